// name: bulk_finish_record
// description: The last step of finish-import, after load_dataset_info has written the dataset record: removes the properties $remove that the import recorded for it, and its state $imported.
// parameters: $imported (the state a bulk import leaves, 'imported'), $remove (list of property names)
// kind: write
MATCH (d:MentornetDataset {key: 'dataset'})
SET d += {state: CASE WHEN d.state = $imported THEN null ELSE d.state END}
FOREACH (key IN $remove | SET d[key] = null)
