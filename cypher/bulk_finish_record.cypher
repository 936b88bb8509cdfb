// name: bulk_finish_record
// description: The last step of finish-import, after load_dataset_info has written the dataset record: removes what the import recorded for it and its state $imported.
// parameters: $imported (the state a bulk import leaves, 'imported')
// kind: write
MATCH (d:MentornetDataset {key: 'dataset'})
REMOVE d.bulk_source, d.bulk_attrs, d.bulk_fix
SET d.state = CASE WHEN d.state = $imported THEN null ELSE d.state END
