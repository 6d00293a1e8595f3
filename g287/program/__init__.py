"""The program workflow: accounts and roles, letters of interest, MOAs drafted from templates and recorded when
signed, nominees and their qualification, training and certification, and the registry's own published lists.

Every change is one service function that takes the caller's SQLAlchemy session and an `Actor`, calls
`g287.access.authorize`, makes the change and writes its audit event (`g287.audit.record`) in that session's
transaction. The command line, the web forms and the JSON API call the same functions. A record named by id is
found through `g287.program.records.find`, so that one the caller may not see is answered as one that does not
exist (ids cannot be counted).

Nominees' personal data (citizenship, background results, dates of service, scores) lives only in the tables
`nominees`, `enrolments`, `exam_attempts` and `certifications`, read only through services that check access;
`g287.program.views` gives the public view of applications and agreements, which never touches those tables.
"""
