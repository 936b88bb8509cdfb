// name: delete_people
// description: Deletes up to $batch people (and the :MentornetDataset record) written by an earlier load (run repeatedly until it reports 0).
// parameters: $batch (integer)
// kind: write
MATCH (n)
WHERE n:Person OR n:MentornetDataset
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
