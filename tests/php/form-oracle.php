<?php
/* form-oracle.php: PHP's own answer for tests/test-form-php.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: php -n -d max_input_vars=100000 form-oracle.php BODIES
 *
 * BODIES holds one base64-encoded application/x-www-form-urlencoded body
 * per line.  For each one this prints one line: the base64 of
 * json_encode($_POST, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES |
 * JSON_INVALID_UTF8_SUBSTITUTE) as PHP would build $_POST from it.
 *
 * $_POST and parse_str() share php_register_variable_ex(), which does all
 * the work on names, brackets, nesting and keys.  They split the body
 * differently, though (main/php_variables.c):
 *
 *   add_post_var() (POST)            php_default_treat_data() (parse_str)
 *   memchr() on '&', binary safe     strtok() on '&': stops at a NUL byte
 *   empty segments ("&&") count      empty segments are skipped
 *   the (max_input_vars + 1)th       stops before the
 *   variable is still registered     (max_input_vars + 1)th
 *
 * So this script splits the body the POST way itself, keeps the first
 * max_input_vars + 1 segments, turns raw NUL bytes into "%00" (the same
 * byte once decoded: the name is cut there as a C string and the value
 * is binary safe), and hands those segments to parse_str() with a
 * max_input_vars high enough never to trigger.  These splitting rules
 * were checked against a real $_POST (php -S, php 8.2).
 */

const POST_MAX_INPUT_VARS = 1000;
const FLAGS = JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE;

if ((int) ini_get('max_input_vars') <= POST_MAX_INPUT_VARS + 1) {
    fwrite(STDERR, "form-oracle.php: run with -d max_input_vars=100000\n");
    exit(2);
}
if ((int) ini_get('max_input_nesting_level') !== 64) {
    fwrite(STDERR, "form-oracle.php: max_input_nesting_level must be 64\n");
    exit(2);
}

function post_segments(string $body): array
{
    if ($body === '') {
        return [];
    }
    $segments = explode('&', $body);
    /* add_post_var() stops when the pointer reaches the end: a trailing
     * '&' does not start another (empty) segment */
    if (substr($body, -1) === '&') {
        array_pop($segments);
    }
    return array_slice($segments, 0, POST_MAX_INPUT_VARS + 1);
}

function post_to_json(string $body): string
{
    $segments = [];
    foreach (post_segments($body) as $segment) {
        if ($segment !== '') {
            $segments[] = str_replace("\0", '%00', $segment);
        }
    }
    $out = [];
    parse_str(implode('&', $segments), $out);
    $json = json_encode($out, FLAGS);
    if ($json === false) {
        fwrite(STDERR, 'form-oracle.php: json_encode: ' . json_last_error_msg() . "\n");
        exit(3);
    }
    return $json;
}

$in = fopen($argv[1], 'rb');
if ($in === false) {
    exit(2);
}
while (($line = fgets($in)) !== false) {
    $line = rtrim($line, "\r\n");
    $body = base64_decode($line, true);
    if ($body === false) {
        fwrite(STDERR, "form-oracle.php: bad base64 line\n");
        exit(2);
    }
    echo base64_encode(post_to_json($body)), "\n";
}
