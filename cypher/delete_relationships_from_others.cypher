// name: delete_relationships_from_others
// description: For a load with --replace updated in place: deletes up to $batch relationships coming into mentornet's people from nodes an earlier load did not write (what deleting the people would have deleted with them; the nodes are never touched). Run repeatedly until it reports 0.
// parameters: $batch (integer)
// kind: write
MATCH (a)-[r]->(:Mentornet)
WHERE NOT a:Mentornet
WITH r LIMIT $batch
DELETE r
RETURN count(*) AS deleted
