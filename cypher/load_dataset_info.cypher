// name: load_dataset_info
// description: Records the identity attribute names of the loaded dataset (kept across loads) on the single :MentornetDataset node, and marks the load complete (see load_begin).
// parameters: $attrs (list of identity attribute names), $source (the dataset directory), $format (what this version stores: mentornet.backends.neo4j.load.STORAGE_FORMAT)
// kind: write
MERGE (d:MentornetDataset {key: 'dataset'})
SET d.source = $source, d.state = 'complete', d.format = $format,
    d.identity_attributes = reduce(acc = coalesce(d.identity_attributes, []), a IN $attrs |
                                   CASE WHEN a IN acc THEN acc ELSE acc + a END)
