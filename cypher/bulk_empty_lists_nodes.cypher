// name: bulk_empty_lists_nodes
// description: After a bulk import: sets the lists a node's mentornet_empty_lists names to [] (the importer cannot write an empty list) and removes that property, for up to $batch nodes (run repeatedly until it reports 0).
// parameters: $batch (integer)
// kind: write
MATCH (n:Mentornet)
WHERE n.mentornet_empty_lists IS NOT NULL
WITH n LIMIT $batch
FOREACH (key IN n.mentornet_empty_lists | SET n[key] = [])
REMOVE n.mentornet_empty_lists
RETURN count(*) AS fixed
