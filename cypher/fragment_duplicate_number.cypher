// name: fragment_duplicate_number
// description: The duplicate number of a relationship bound to r, the last part of the key a load writes it under (its two people, its type, this number): how many earlier rows of the files have the same source, target and type, where the first row stores no number (mentornet.backends.neo4j.load.with_duplicate_numbers). Statements include it as {{ duplicate_number }}.
// parameters: none
// kind: fragment
coalesce(r.duplicate, 0)
