#!/bin/bash
# SIGINT while every request hangs (server answers after 60 s): how quickly does it exit?
C="node /work/qa1-wt/dist/src/cli/main.js"; P=$(cat port3.txt); DB=slow.db; rm -f $DB*
$C crawl http://127.0.0.1:$P/ --db $DB --no-progress > so.out 2> so.err & pid=$!
sleep 2; s=$(date +%s.%N); kill -INT $pid; wait $pid; e=$?; echo "exit=$e after $(echo "$(date +%s.%N) - $s" | bc) s"; cat so.err
sqlite3 $DB "select id,status,pages,failures,queued from runs; select state,error_code,attempts,count(*) from urls group by 1,2,3"
