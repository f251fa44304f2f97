-- Exclusions (审核剔除, DOMAIN §1.4 and §4): tickets an office takes out of the rankings
-- after review, each with its paper trail. An exclusion is data, never an edit of a
-- ticket: the rankings judged at T leave out of the parts its scope names the tickets
-- whose exclusion was approved by T; the plain metrics count every ticket.

CREATE TABLE exclusions (
    ingest_id   BIGINT NOT NULL,
    row_number  BIGINT NOT NULL,
    ticket_id   VARCHAR NOT NULL,
    scope       VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,
    approved_by VARCHAR,
    approved_at TIMESTAMP NOT NULL,
    doc_no      VARCHAR NOT NULL,
    extra       JSON
);
COMMENT ON TABLE exclusions IS 'Tickets taken out of the rankings after review (审核剔除), every row ever ingested: from approved_at on, scope all takes the ticket out of the rankings entirely, satisfaction out of the rated counts, timeliness out of the reply and response counts. Plain metrics still count the ticket (their excluded column says how many are).';
COMMENT ON COLUMN exclusions.ingest_id IS 'The ingest that stored the row (ingests.ingest_id).';
COMMENT ON COLUMN exclusions.row_number IS 'Row in its file; the header is row 1.';
COMMENT ON COLUMN exclusions.ticket_id IS 'The ticket excluded (tickets.ticket_id); an id no ticket export has is rejected.';
COMMENT ON COLUMN exclusions.scope IS 'all (out of the ranking entirely), satisfaction (out of the rated counts) or timeliness (out of the reply and response counts).';
COMMENT ON COLUMN exclusions.reason IS 'Why, e.g. 无理诉求, 重复诉求, 不属于本部门职责.';
COMMENT ON COLUMN exclusions.approved_by IS 'The office that approved the exclusion (审核单位).';
COMMENT ON COLUMN exclusions.approved_at IS 'When it was approved (local time); rankings judged before this time still count the ticket.';
COMMENT ON COLUMN exclusions.doc_no IS 'The document number of the approval (文号), e.g. 营商办〔2026〕12号.';
COMMENT ON COLUMN exclusions.extra IS 'Columns of the file that Zhuqi does not know, as a JSON map header → cell.';
