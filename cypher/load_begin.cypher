// name: load_begin
// description: Marks the dataset record before a load writes anything: state 'loading' until load_dataset_info marks it 'complete', so a load cut short (killed, interrupted, connection lost) leaves the mark and every analysis refuses the database. With $replace the identity attribute names recorded are cleared and `replacing` is set until the load completes (a replace cut short leaves rows of what it replaced, which only a replace removes); without it, `replacing` is removed.
// parameters: $source (the dataset directory), $replace (boolean)
// kind: write
MERGE (d:MentornetDataset {key: 'dataset'})
SET d.state = 'loading', d.source = $source, d.replacing = CASE WHEN $replace THEN true END,
    d.identity_attributes = CASE WHEN $replace THEN [] ELSE coalesce(d.identity_attributes, []) END
