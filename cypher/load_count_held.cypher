// name: load_count_held
// description: After a load with --replace updated in place: mentornet's people, and the relationships going out of them and coming into them, of any type, from or to any node (each equal to the files' people or rows when nothing else is left: each row adds one to both counts).
// parameters: none
// kind: write
// (kind write: part of load, not an analyst query. Three look-ups in the count store.)
RETURN COUNT { MATCH (:Mentornet) } AS people,
       COUNT { MATCH (:Mentornet)-[]->() } AS outgoing,
       COUNT { MATCH ()-[]->(:Mentornet) } AS incoming
