// name: bulk_await_indexes
// description: The end of finish-import: waits (up to $seconds) until the constraint and indexes created over the imported data are populated, so the analyses that follow use them.
// parameters: $seconds (integer)
// kind: write
// (kind write: part of finish-import, not an analyst query.)
CALL db.awaitIndexes($seconds)
