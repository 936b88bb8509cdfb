// name: bulk_empty_lists_relationships
// description: After a bulk import: sets the lists a relationship's mentornet_empty_lists names to [] (the importer cannot write an empty list) and removes that property, on every such relationship, committing every $batch relationships (an auto-commit transaction: CALL IN TRANSACTIONS); returns how many.
// parameters: $batch (integer)
// kind: write
MATCH (:Mentornet)-[r]->(:Mentornet)
WHERE r.mentornet_empty_lists IS NOT NULL
CALL (r) {
  FOREACH (key IN r.mentornet_empty_lists | SET r[key] = [])
  REMOVE r.mentornet_empty_lists
} IN TRANSACTIONS OF $batch ROWS
RETURN count(*) AS fixed
