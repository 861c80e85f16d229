-- filters.sql is the optional field filters of a search, the fragment that
-- replaces the template block of the statements in sql/search.sql that
-- take them:
--
--   AND /* TEMPLATE_BEGIN: filters */ 1 /* TEMPLATE_END */
--
-- It is not a statement: sqlc.yaml does not list it, and sqlc never sees
-- it. db/sqlite/month.go inserts it, in parentheses, when it rewrites a statement
-- for a month table, and binds its named parameters to the filters that
-- the statement's context carries (db.withFilters). The rows are the alias
-- e of a month table. Adding a filter is one condition here and one field
-- of db.filters.
--
-- Every filter is a nullable parameter: NULL means "any" (excluded: 0).
--   :host, :tag            GLOB patterns on FromHost and SysLogTag (no
--                          wildcard = exact)
--   :not_hosts, :not_tags  JSON arrays of GLOB patterns left out
--   :excluded              the severity and facility filters, kept and
--                          excluded, as one bit mask: bit s for each
--                          severity s (Priority) left out, bit 8+f for each
--                          facility f, so that "severity at most 3" sets
--                          bits 4 to 7 and "facility 4" every facility bit
--                          but 8+4; 0 keeps everything
--   :has_sd                1 when the rest holds only for a message with
--                          structured data (sd.ID.PARAM:value): the rows
--                          without any are left out before aiosyslogd_match
--                          is called for them; NULL otherwise
--   :rest                  the part of a query tree no other parameter can
--                          say, printed in the query language;
--                          aiosyslogd_match (db/sqlite/matchfunc.go) evaluates it
--                          on each row the other conditions leave
    (e.FromHost GLOB :host OR :host IS NULL)
AND (e.SysLogTag GLOB :tag OR :tag IS NULL)
AND (CAST(:not_hosts AS TEXT) IS NULL OR NOT EXISTS (SELECT 1 FROM json_each(CAST(:not_hosts AS TEXT)) x WHERE e.FromHost GLOB x.value))
AND (CAST(:not_tags AS TEXT) IS NULL OR NOT EXISTS (SELECT 1 FROM json_each(CAST(:not_tags AS TEXT)) x WHERE e.SysLogTag GLOB x.value))
AND (CAST(:excluded AS INTEGER) & ((1 << e.Priority) | (256 << e.Facility))) = 0
AND (:has_sd IS NULL OR e.StructuredData IS NOT NULL)
AND (CAST(:rest AS TEXT) IS NULL OR aiosyslogd_match(CAST(:rest AS TEXT), e.FromHost, e.SysLogTag, e.ProcessID, e.MsgID, e.FromHostIP, e.StructuredData, e.Message, e.Priority, e.Facility))
