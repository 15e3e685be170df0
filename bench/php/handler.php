<?php
// handler.php: the Bitrix24 event handler a developer would write first,
// the reference bench-listener measures Botbench against.
//
//   PHP_CLI_SERVER_WORKERS=2 php -S 127.0.0.1:8080 handler.php
//
// Every event is kept, one JSON line each, in $BENCH_EVENTS_FILE (default
// events.jsonl beside this file).
//
// The Content-Length header is for the measurement: php -S closes every
// connection and, without a length, ends its answer by closing; wrk 4.1
// then counts a read error and opens a second, unused connection for each
// answer, which would charge PHP twice the connections.
//
// SPDX-License-Identifier: GPL-3.0-or-later

$file = getenv('BENCH_EVENTS_FILE') ?: __DIR__ . '/events.jsonl';

file_put_contents($file, json_encode($_POST) . "\n", FILE_APPEND | LOCK_EX);

$answer = '{"ok":true}';
header('Content-Type: application/json');
header('Content-Length: ' . strlen($answer));
echo $answer;
