// name: load_check_ids
// description: Before a load over an earlier one: how many of the given person ids the database already holds (fewer than the people it holds means some are not in the files, and the load would mix two datasets).
// parameters: $ids (list of person ids)
// kind: write
// (kind write: part of load, not an analyst query.)
UNWIND $ids AS id
MATCH (p:Mentornet:Person {id: id})
RETURN count(p) AS found
