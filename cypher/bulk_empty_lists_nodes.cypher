// name: bulk_empty_lists_nodes
// description: After a bulk import: sets the lists a node's mentornet_empty_lists names to [] (the importer cannot write an empty list) and removes that property, on every such node, committing every $batch nodes (an auto-commit transaction: CALL IN TRANSACTIONS); returns how many.
// parameters: $batch (integer)
// kind: write
MATCH (n:Mentornet)
WHERE n.mentornet_empty_lists IS NOT NULL
CALL (n) {
  FOREACH (key IN n.mentornet_empty_lists | SET n[key] = [])
  REMOVE n.mentornet_empty_lists
} IN TRANSACTIONS OF $batch ROWS
RETURN count(*) AS fixed
