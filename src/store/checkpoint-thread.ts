/**
 * The thread that checkpoints the crawl's WAL (checkpointer.ts). Each message asks for one
 * PASSIVE checkpoint: it copies the frames no reader still needs into the file and never waits
 * for a reader or the writer, so the writer's commits go on meanwhile. The file is opened for each
 * checkpoint and closed after it, so a WAL deleted and made again under the crawl (db-moved.ts) is
 * never checkpointed through a stale descriptor of the old one.
 */
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

interface Target {
  path: string;
  dev: number;
  ino: number;
}

const { path, dev, ino } = workerData as Target;

parentPort?.on('message', (message: 'checkpoint' | 'stop') => {
  if (message === 'stop') {
    parentPort?.close();
    return;
  }
  parentPort?.postMessage(checkpoint());
});

/** Passes after the first while the writer's commits add frames during each. */
const MAX_CATCH_UP_PASSES = 3;

/**
 * Frames in the WAL and frames copied into the file, after the last pass; null when the file is no
 * longer the crawl's. SQLite starts the WAL over from its top at the first write after a checkpoint
 * left no frame uncopied. A pass copies the frames that were there when it began, and a commit
 * made meanwhile adds more, so a pass alone left the WAL growing from commit to commit until
 * SQLite's own checkpoint ran on the main thread after all: passes follow while frames came.
 */
function checkpoint(): { log: number; checkpointed: number } | null {
  // The path names another file now (replaced, or gone): the writer finds that too, and stops asking.
  const now = statSync(path, { throwIfNoEntry: false });
  if (now === undefined || now.dev !== dev || now.ino !== ino) return null;
  let db: Database.Database | null = null;
  try {
    db = new Database(path, { fileMustExist: true });
    // The checkpoint syncs the WAL before copying and the file after, as the writer's own
    // checkpoints do under synchronous = NORMAL (db.ts).
    db.pragma('synchronous = NORMAL');
    let result = passiveCheckpoint(db);
    for (let pass = 0; pass < MAX_CATCH_UP_PASSES && result !== null; pass++) {
      const next = passiveCheckpoint(db);
      if (next === null || next.log === result.log) return next ?? result;
      result = next;
    }
    return result;
  } catch {
    // Busy, locked or the file in trouble: the writer's commits and SQLite's own automatic
    // checkpoint (db.ts) carry on, and report what matters.
    return null;
  } finally {
    db?.close();
  }
}

function passiveCheckpoint(db: Database.Database): { log: number; checkpointed: number } | null {
  const [row] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
  return row === undefined ? null : { log: row.log, checkpointed: row.checkpointed };
}
