"""What the model/migration comparison (autogenerate, tests/test_migrations.py) must ignore.

Some search indexes exist on purpose in one database only and so are not declared in
the models: autogenerate must not propose to drop them. Keep these lists short and named.
"""

DATABASE_SPECIFIC_INDEXES = {
    # GIN trigram index for typo-tolerant employer search, PostgreSQL only
    # (migrations/versions/20261122_0300_employers_search.py).
    "ix_employers_search_name_trgm",
    # GIN trigram indexes on two parts of the name, for name searches (same migration).
    "ix_employers_first_word_tail_trgm",
    "ix_employers_other_words_trgm",
    # GIN trigram index on job titles, PostgreSQL only (migrations/versions/20261130_1500_rome_job_titles.py).
    "ix_job_titles_search_label_trgm",
    # GIN trigram index on contact persons' folded names and e-mail, for the header's search,
    # PostgreSQL only (migrations/versions/20261130_2500_global_search.py).
    "ix_employer_contacts_search_trgm",
    # GIN trigram index on their phones' digits, same use (migrations/versions/20261202_4000_contact_phone_trigram.py).
    "ix_employer_contacts_phone_digits_trgm",
    # GiST trigram index on the words of employer names, for a typo, PostgreSQL only
    # (migrations/versions/20261201_3300_search_imports_scale.py).
    "ix_employer_name_words_trgm",
    # GIN trigram index on the needs' folded titles, for the header's search, PostgreSQL only
    # (migrations/versions/20261202_3800_needs_title_trigram.py).
    "ix_recruitment_needs_title_folded_trgm",
    # B-tree on the employers' basin ids and ids, for counting a scope's employers and reading
    # their ids from the index alone, PostgreSQL only: SQLite then sorted the employer list from it
    # instead of the (basin_id, search_name) index (migrations 3900 and 4200).
    "ix_employers_basin_id",
    # The open needs' employer ids, a partial index, PostgreSQL only (migration 4200).
    "ix_recruitment_needs_open_employer_id",
    # The employers' activity, basin and name, for the page of a list filtered by activity, SQLite
    # only (migration 4500; PostgreSQL reads the activity within each basin, migration 4300).
    "ix_employers_naf_code_basin_id_search_name",
    # The employers' activity within each basin, for the NAF filter of a scope of a few basins,
    # PostgreSQL only (migration 4300).
    "ix_employers_basin_id_naf_code",
}
# The words of employer names, kept by triggers, PostgreSQL only (same migration), and each name's
# words behind its first one (migration 4600).
DATABASE_SPECIFIC_TABLES = {"employer_name_words", "employer_inner_words"}


# Not listed because the comparison cannot tell them apart from the models' declaration:
# on PostgreSQL, ix_employers_search_name_id and ix_employers_basin_id_search_name sort
# search_name with COLLATE "C" (migrations/versions/20261122_0900_employers_name_byte_order.py),
# which reflection does not report. A migration that rebuilds them must keep that collation
# (tests/employers/test_search_page.py checks it).


# SQLite only: the FTS5 word index of employer names and its shadow tables
# (employers_fts, employers_fts_data, _idx, _docsize, _config), same migration; the trigram
# index of the contact persons' folded names and its shadow tables (migration 4100).
DATABASE_SPECIFIC_TABLE_PREFIXES = ("employers_fts", "employer_contacts_fts")


def include_object(object_, name, type_, reflected, compare_to) -> bool:
    if not reflected:
        return True
    if type_ == "index":
        return name not in DATABASE_SPECIFIC_INDEXES
    if type_ == "table":
        return not name.startswith(DATABASE_SPECIFIC_TABLE_PREFIXES) and name not in DATABASE_SPECIFIC_TABLES
    return True
