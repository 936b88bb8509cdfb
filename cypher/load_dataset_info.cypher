// name: load_dataset_info
// description: Records the identity attribute names of the loaded dataset (kept across loads) on the single :MentornetDataset node, marks the load complete (see load_begin; `replacing` removed), and removes what a bulk import left on the record until finish-import (its properties named $bulk_keys or starting with $bulk_prefix).
// parameters: $attrs (list of identity attribute names), $source (the dataset directory), $format (what this version stores: mentornet.backends.neo4j.load.STORAGE_FORMAT), $bulk_prefix and $bulk_keys (mentornet.backends.neo4j.load.BULK_RECORD_PREFIX, [BULK_FIX, EMPTY_LISTS])
// kind: write
MERGE (d:MentornetDataset {key: 'dataset'})
SET d.source = $source, d.state = 'complete', d.format = $format, d.replacing = null,
    d.identity_attributes = reduce(acc = coalesce(d.identity_attributes, []), a IN $attrs |
                                   CASE WHEN a IN acc THEN acc ELSE acc + a END)
FOREACH (key IN [k IN keys(d) WHERE k IN $bulk_keys OR k STARTS WITH $bulk_prefix] | SET d[key] = null)
