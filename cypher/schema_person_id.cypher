// name: schema_person_id
// description: Uniqueness constraint on the person id (also the index every load and query uses to find a person).
// parameters: none
// kind: write
CREATE CONSTRAINT mentornet_person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE
