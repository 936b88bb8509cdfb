// name: delete_people
// description: Deletes up to $batch people written by an earlier load, with their relationships (the :Mentornet nodes; another application's :Person nodes are never touched), and with $record the :MentornetDataset record (run repeatedly until it reports 0).
// parameters: $batch (integer), $record (boolean)
// kind: write
// (People, not relationships, a batch at a time: the nodes deleted leave the label index, so each batch starts on people still there; each batch of relationships found by a scan walked again past every one deleted before. At 20,000 people and 196,000 relationships, on a busy 2-core machine: 4.8-4.9 s of server CPU against 6.4-9.6 s.)
MATCH (n)
WHERE n:Mentornet OR ($record AND n:MentornetDataset)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
