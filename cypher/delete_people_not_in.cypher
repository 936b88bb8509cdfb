// name: delete_people_not_in
// description: For a load with --replace over a dataset of this version (updated in place): deletes up to $batch of the people an earlier load wrote whose id is not in $ids, with their relationships (run repeatedly until it reports 0).
// parameters: $ids (list of the person ids of the files), $batch (integer)
// kind: write
// (IN on a list parameter is a hash look-up, whatever the list's length.)
MATCH (n:Mentornet)
WHERE NOT n.id IN $ids
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
