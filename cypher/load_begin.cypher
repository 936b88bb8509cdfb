// name: load_begin
// description: Marks the dataset record before a load writes anything: state 'loading' until load_dataset_info marks it 'complete', so a load cut short (killed, interrupted, connection lost) leaves the mark and every analysis refuses the database. With $replace the identity attribute names recorded are cleared.
// parameters: $source (the dataset directory), $replace (boolean)
// kind: write
MERGE (d:MentornetDataset {key: 'dataset'})
SET d.state = 'loading', d.source = $source,
    d.identity_attributes = CASE WHEN $replace THEN [] ELSE coalesce(d.identity_attributes, []) END
