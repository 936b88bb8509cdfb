// name: schema_person_mentee
// description: Index on Person.mentee, used to find the mentees.
// parameters: none
// kind: write
CREATE INDEX mentornet_person_mentee IF NOT EXISTS FOR (p:Person) ON (p.mentee)
