/**
 * What every crawlite version wrote when it created a file, before application_id marked it:
 * meta with schema_version, and urls as the first release made it. Fixtures that build an older
 * layout start from these, or openForWrite refuses them as another application's database.
 */
export const LEGACY_META = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO meta VALUES ('schema_version', '1');
`;

export const LEGACY_URLS = `
CREATE TABLE urls (id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, host TEXT NOT NULL, depth INTEGER NOT NULL, state TEXT NOT NULL,
  parent_id INTEGER, attempts INTEGER NOT NULL DEFAULT 0, error_code TEXT, error_message TEXT, redirect_to TEXT,
  discovered_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, run_id INTEGER);
`;
