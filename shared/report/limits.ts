/**
 * GitHub's size limits for everything Rollgate writes. All are measured here in UTF-8 bytes, which
 * is never less than characters: GitHub documents "characters" for check output but rejects
 * multibyte text by bytesize ("summary exceeds a maximum bytesize of 65535", github/docs#35252).
 */

/** Check run `output.summary` and `output.text`, each. */
export const CHECK_OUTPUT_LIMIT = 65_535
/** Check run `output.title`: undocumented for the run, 255 for annotation titles; we keep to 255. */
export const CHECK_TITLE_LIMIT = 255
/** Annotations accepted per create/update request; more are appended by further updates. */
export const ANNOTATIONS_PER_REQUEST = 50
/** Annotation `message` and `raw_details` ("64 KB"). */
export const ANNOTATION_MESSAGE_LIMIT = 64_000
export const ANNOTATION_TITLE_LIMIT = 255
/** Issue and pull request comment bodies ("Body is too long (maximum is 65536 characters)"). */
export const COMMENT_LIMIT = 65_536
/** `$GITHUB_STEP_SUMMARY` per step; over it the runner drops the whole step summary. */
export const JOB_SUMMARY_LIMIT = 1024 * 1024
/** Deployment status (and commit status) `description`; longer is a 422. */
export const STATUS_DESCRIPTION_LIMIT = 140
