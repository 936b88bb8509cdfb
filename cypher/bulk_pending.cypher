// name: bulk_pending
// description: After a bulk import (mentornet load DIR --bulk NEO4J_HOME): the dataset record's state ('imported' until finish-import completes it), the directory and identity attribute names the import recorded, and which kinds of entity name empty lists to set (see mentornet/backends/neo4j/bulk.py).
// parameters: none
// kind: write
// (kind write: part of finish-import, not an analyst query.)
MATCH (d:MentornetDataset {key: 'dataset'})
RETURN d.state AS state, d.bulk_source AS source, coalesce(d.bulk_attrs, []) AS attrs,
       coalesce(d.bulk_fix, []) AS fix
