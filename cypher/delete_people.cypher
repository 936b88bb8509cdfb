// name: delete_people
// description: Deletes up to $batch people written by an earlier load (the :Mentornet nodes; another application's :Person nodes are never touched), and with $record the :MentornetDataset record (run repeatedly until it reports 0).
// parameters: $batch (integer), $record (boolean)
// kind: write
MATCH (n)
WHERE n:Mentornet OR ($record AND n:MentornetDataset)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
