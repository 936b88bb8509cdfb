// name: bulk_empty_lists_relationships
// description: After a bulk import: sets the lists a relationship's mentornet_empty_lists names to [] (the importer cannot write an empty list) and removes that property, for up to $batch relationships (run repeatedly until it reports 0).
// parameters: $batch (integer)
// kind: write
MATCH (:Mentornet)-[r]->(:Mentornet)
WHERE r.mentornet_empty_lists IS NOT NULL
WITH r LIMIT $batch
FOREACH (key IN r.mentornet_empty_lists | SET r[key] = [])
REMOVE r.mentornet_empty_lists
RETURN count(*) AS fixed
