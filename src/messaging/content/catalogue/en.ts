/**
 * English templates: the source every translation follows. SMS bodies use only GSM-7
 * characters (a plain "-" before the signature, straight apostrophes) so a text stays in
 * one or two 160-character segments; a single curly quote or dash would halve that.
 * Variables: see docs/templates.md.
 */
import type { Catalogue } from '../templates.ts';

const byMonth =
  '{yearEndMonth, select, 1 {January} 2 {February} 3 {March} 4 {April} 5 {May} 6 {June} 7 {July} 8 {August} 9 {September} 10 {October} 11 {November} 12 {December} other {the end of the school year}}';

const days = (name: string): string => `{${name}, plural, one {# day} other {# days}}`;

export const en: Catalogue = {
  same_day_check_in: {
    body: 'We missed {childName} at {schoolName} today. Is everything okay? Reply to let us know, or tell us how we can help. - {staffName}',
    emailSubject: 'We missed {childName} at school today',
  },
  real_number: {
    body: `{childName} has missed ${days('daysMissed')} of school so far this year. At this pace, {childName} will miss about ${days('projectedDays')} by ${byMonth}. Every day counts, and we are here to help. Reply to talk with us. - {staffName}, {schoolName}`,
    emailSubject: "{childName}'s school days so far this year",
  },
  improvement_celebration: {
    body: 'Good news! {childName} has been coming to school more often lately. Thank you for everything you are doing to make that happen. We are cheering {childName} on! - {staffName}, {schoolName}',
    emailSubject: 'Good news about {childName}',
  },
  weekly_summary: {
    body: `This week {childName} was at school {daysAttended, number} of ${days('daysScheduled')}. Thank you for all you do. If anything is making school hard right now, reply and we will help. - {staffName}, {schoolName}`,
    emailSubject: "{childName}'s week at school",
  },
  monthly_summary: {
    body: `This month {childName} was at school {daysAttended, number} of ${days('daysScheduled')}. So far this year, {childName} has missed ${days('daysMissed')}. Every day counts. If we can help with anything, just reply. - {staffName}, {schoolName}`,
    emailSubject: "{childName}'s month at school",
  },
  conference_invitation: {
    body: 'We would like to meet with you about how {childName} is doing and how we can help. Would {slotText} work for you? We can meet in person or by phone, with an interpreter if you like. Reply to confirm or ask for another time. - {staffName}, {schoolName}',
    emailSubject: 'Can we meet to talk about {childName}?',
  },
  conference_reminder: {
    body: 'A friendly reminder of our meeting about {childName}: {slotText}. We look forward to seeing you. If that time no longer works, just reply and we will find another. - {staffName}, {schoolName}',
    emailSubject: 'Reminder: our meeting about {childName}',
  },
  survey_invitation: {
    body: 'A quick question from {schoolName}: from 1 to 10, how is school going for {childName}? Reply with a number. You are welcome to tell us more, too. - {staffName}',
    emailSubject: 'How is school going for {childName}?',
  },
  no_answer_follow_up: {
    body: 'Hello from {schoolName}. We have been trying to reach you about {childName} and want to make sure everything is okay. Please reply here or call us at {schoolPhone} when it works for you. We are here to help. - {staffName}',
    emailSubject: 'Checking in again about {childName}',
  },
  statutory_notice: {
    body: `Dear family of {childName},

We are writing because {childName} has missed {missedUnit, select, hours {{missedAmount, plural, one {# hour} other {# hours}}} other {${days('missedAmount')}}} of school at {schoolName} this year. State law asks us to send this letter when a student misses this much school.

We know there can be many reasons. We want to work with you so that {childName} can be at school every day.

Here is what you can do:
1. Call {staffName} at {schoolPhone}, or reply to this message.
2. Tell us what makes it hard to get to school. We can help with rides, health needs, and more.
3. Meet with us to make a plan together.

If you think this number is wrong, please let us know.

Thank you for working with us.
{staffName}, {schoolName}`,
    emailSubject: "About {childName}'s school attendance",
  },
  consent_confirmation: {
    body: "Hello from the attendance team at {schoolName}. We will text you about your child's attendance and how we can help. You can reply anytime. Reply HELP for help or STOP to stop. Message and data rates may apply.",
  },
  opt_out_confirmation: {
    body: 'You will not get more texts from {schoolName}. Reply START to get them again.',
  },
  opt_in_confirmation: {
    body: "Welcome back! You will get texts from {schoolName} about your child's attendance again. Reply HELP for help or STOP to stop.",
  },
  help_reply: {
    body: 'This is the attendance team at {schoolName}. We are happy to help: reply here or call us at {schoolPhone}. Reply STOP to stop texts.',
  },
  weekly_digest: {
    body: "This week's messages from {schoolName}:",
    emailSubject: "This week's messages from {schoolName}",
  },
  voice_keypad_prompt: {
    body: 'Press 1 if {childName} is at school today. Press 2 to tell us {childName} is sick. Press 3 if you need help from the school. Press 9 to stop these calls.',
  },
  sign_in_code: {
    body: 'Your Homeroom sign-in code for {districtName} is {code}. It expires in 10 minutes. Do not share it. If you did not ask for it, ignore this message.',
    emailSubject: 'Your sign-in code for {districtName}',
  },
  sms_reply_menu: {
    body: 'Reply 1 if {childName} is at school, 2 if {childName} is sick, or 3 if you need help from the school.',
  },
  portal_link: {
    body: 'See how your child is doing, tell us about an absence or write to us on your family page (this link works once, for 7 days): {link}',
  },
};
