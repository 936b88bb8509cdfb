// name: delete_relationships
// description: Deletes up to $batch relationships between people written by an earlier load (between :Mentornet nodes) (run repeatedly until it reports 0).
// parameters: $batch (integer)
// kind: write
MATCH (:Mentornet)-[r]->(:Mentornet)
WITH r LIMIT $batch
DELETE r
RETURN count(*) AS deleted
