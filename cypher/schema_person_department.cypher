// name: schema_person_department
// description: Index on Person.department, used by the per-department queries.
// parameters: none
// kind: write
CREATE INDEX mentornet_person_department IF NOT EXISTS FOR (p:Person) ON (p.department)
