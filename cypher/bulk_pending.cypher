// name: bulk_pending
// description: After a bulk import (mentornet load DIR --bulk NEO4J_HOME): the dataset record's state ('imported' until finish-import completes it), its properties (what the import recorded for the record), and which kinds of entity name empty lists to set (see mentornet/backends/neo4j/bulk.py).
// parameters: none
// kind: write
// (kind write: part of finish-import, not an analyst query.)
MATCH (d:MentornetDataset {key: 'dataset'})
RETURN d.state AS state, properties(d) AS record, coalesce(d.bulk_fix, []) AS fix
