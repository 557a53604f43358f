/**
 * Every migration, in order. Names are date-prefixed and never change once merged;
 * a new migration is a new file added here (a test checks that none is missing).
 */
import type { Migration } from 'kysely/migration';
import * as createFoundation from './2026-11-22T1600_create-foundation.ts';
import * as attendanceEngine from './2026-11-23T1300_attendance-engine.ts';
import * as staffSessions from './2026-11-23T1400_staff-sessions.ts';
import * as importRuns from './2026-11-23T1500_import-runs.ts';
import * as messaging from './2026-11-23T1600_messaging.ts';
import * as messagingRefinements from './2026-11-23T1700_messaging-refinements.ts';
import * as attendanceTaking from './2026-11-23T1800_attendance-taking.ts';
import * as playbooks from './2026-11-23T1900_playbooks.ts';
import * as familyPortal from './2026-11-23T2000_family-portal.ts';
import * as portalLinks from './2026-11-23T2100_portal-links.ts';
import * as surveyResponses from './2026-11-23T2200_survey-responses.ts';
import * as attendancePolicies from './2026-11-23T2300_attendance-policies.ts';
import * as conferenceSlots from './2026-11-23T2330_conference-slots.ts';
import * as familyIndexes from './2026-11-23T2340_family-indexes.ts';
import * as communityResources from './2026-11-23T2350_community-resources.ts';
import * as inboundAttachments from './2026-11-23T2355_inbound-attachments.ts';
import * as newsChannel from './2026-11-23T2358_news-channel.ts';

export const migrations: Record<string, Migration> = {
  '2026-11-22T1600_create-foundation': createFoundation,
  '2026-11-23T1300_attendance-engine': attendanceEngine,
  '2026-11-23T1400_staff-sessions': staffSessions,
  '2026-11-23T1500_import-runs': importRuns,
  '2026-11-23T1600_messaging': messaging,
  '2026-11-23T1700_messaging-refinements': messagingRefinements,
  '2026-11-23T1800_attendance-taking': attendanceTaking,
  '2026-11-23T1900_playbooks': playbooks,
  '2026-11-23T2000_family-portal': familyPortal,
  '2026-11-23T2100_portal-links': portalLinks,
  '2026-11-23T2200_survey-responses': surveyResponses,
  '2026-11-23T2300_attendance-policies': attendancePolicies,
  '2026-11-23T2330_conference-slots': conferenceSlots,
  '2026-11-23T2340_family-indexes': familyIndexes,
  '2026-11-23T2350_community-resources': communityResources,
  '2026-11-23T2355_inbound-attachments': inboundAttachments,
  '2026-11-23T2358_news-channel': newsChannel,
};
