"""A list written back in ICE's layout keeps the text of each unknown value in its own column, whatever the order of
the source's columns: the export finds a raw row's cells by their headers, not by their positions."""

from g287.exports.ice_workbook import rows_of_publication
from g287.registry.ingest import ingest_file
from g287.registry.publications import resolve

# ICE's columns in another order, with a TYPE and a SUPPORT TYPE the reader does not know, an unknown state, and
# empty cells (an export must not take a neighbour's text for them).
REORDERED = (
    "COUNTY,SUPPORT TYPE,LAW ENFORCEMENT AGENCY,STATE,SIGNED,TYPE,MOA\n"
    "Harris,Task Force Model,Harris County Constable Precinct 9,TEXAS,5/8/2025,Tribal Police,\n"
    "Dade,Joint Model,Miami Example Police Department,FLORIDA,5/9/2025,Municipality,\n"
    ",Jail Enforcement Model,Nowhere Sheriff's Office,Atlantis,5/10/2025,County,\n"
)


def test_unknown_values_keep_their_own_text_when_columns_are_reordered(db, actor, tmp_path):
    path = tmp_path / "participatingAgencies05082025am.csv"
    path.write_text(REORDERED, encoding="utf-8")
    ingest_file(db, path, actor)
    with db.session() as session:
        rows = {row.agency: row for row in rows_of_publication(session, resolve(session, path.name))}
    tribal = rows["Harris County Constable Precinct 9"]
    assert (tribal.state, tribal.agency_type, tribal.county, tribal.model) == ("TEXAS", "Tribal Police", "Harris", "Task Force Model")
    joint = rows["Miami Example Police Department"]
    assert (joint.agency_type, joint.model) == ("Municipality", "Joint Model")
    nowhere = rows["Nowhere Sheriff's Office"]
    assert (nowhere.state, nowhere.county, nowhere.agency_type) == ("Atlantis", "", "County")
