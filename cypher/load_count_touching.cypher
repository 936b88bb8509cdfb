// name: load_count_touching
// description: After a load with --replace updated in place: the relationships touching mentornet's people, of any type and either direction (equal to the rows of the files when nothing else is left).
// parameters: none
// kind: write
// (kind write: part of load, not an analyst query.)
RETURN COUNT { MATCH (:Mentornet)-[]->() } + COUNT { MATCH (a)-[]->(:Mentornet) WHERE NOT a:Mentornet } AS touching
