/**
 * Haitian Creole templates (Kreyòl ayisyen). Creole nouns do not change for number
 * ("1 jou", "5 jou"), so counts are plain numbers rather than plural selections.
 * Haitian Creole has no Twilio text-to-speech voice: calls need a recording or a text.
 */
import type { Catalogue } from '../templates.ts';

const byMonth =
  '{yearEndMonth, select, 1 {nan mwa janvye} 2 {nan mwa fevriye} 3 {nan mwa mas} 4 {nan mwa avril} 5 {nan mwa me} 6 {nan mwa jen} 7 {nan mwa jiyè} 8 {nan mwa out} 9 {nan mwa septanm} 10 {nan mwa oktòb} 11 {nan mwa novanm} 12 {nan mwa desanm} other {nan fen ane lekòl la}}';

export const ht: Catalogue = {
  same_day_check_in: {
    body: 'Nou pa t wè {childName} nan lekòl {schoolName} jodi a. Èske tout bagay anfòm? Reponn nou pou di nou, oswa di nou kijan nou ka ede. - {staffName}',
    emailSubject: 'Nou pa t wè {childName} lekòl jodi a',
  },
  real_number: {
    body: `Depi kòmansman ane lekòl la, {childName} manke {daysMissed, number} jou lekòl. Si sa kontinye konsa, {childName} ap manke anviwon {projectedDays, number} jou lè nou rive ${byMonth}. Chak jou konte, e nou la pou ede. Reponn nou pou nou ka pale. - {staffName}, {schoolName}`,
    emailSubject: 'Jou lekòl {childName} depi kòmansman ane a',
  },
  improvement_celebration: {
    body: 'Bon nouvèl! {childName} ap vin lekòl pi souvan depi kèk tan. Mèsi pou tout sa w ap fè pou sa rive. N ap ankouraje {childName} anpil! - {staffName}, {schoolName}',
    emailSubject: 'Bon nouvèl sou {childName}',
  },
  weekly_summary: {
    body: 'Semèn sa a, {childName} te lekòl {daysAttended, number} jou sou {daysScheduled, number}. Mèsi pou tout sa w ap fè. Si gen yon bagay ki fè lekòl difisil kounye a, reponn nou e n ap ede w. - {staffName}, {schoolName}',
    emailSubject: 'Semèn {childName} nan lekòl',
  },
  monthly_summary: {
    body: 'Mwa sa a, {childName} te lekòl {daysAttended, number} jou sou {daysScheduled, number}. Depi kòmansman ane a, {childName} manke {daysMissed, number} jou lekòl. Chak jou konte. Si nou ka ede w nan nenpòt bagay, jis reponn nou. - {staffName}, {schoolName}',
    emailSubject: 'Mwa {childName} nan lekòl',
  },
  conference_invitation: {
    body: 'Nou ta renmen rankontre w pou nou pale sou jan {childName} ap mache lekòl ak kijan nou ka ede. Èske lè sa a ta bon pou ou: {slotText}? Nou ka rankontre an pèsòn oswa nan telefòn, ak yon entèprèt si w vle. Reponn pou konfime oswa pou mande yon lòt lè. - {staffName}, {schoolName}',
    emailSubject: 'Èske nou ka rankontre pou pale sou {childName}?',
  },
  conference_reminder: {
    body: 'Yon ti rapèl pou randevou nou sou {childName}: {slotText}. Nou kontan n ap wè w. Si lè sa a pa bon pou ou ankò, jis reponn e n ap chèche yon lòt. - {staffName}, {schoolName}',
    emailSubject: 'Rapèl: randevou nou sou {childName}',
  },
  survey_invitation: {
    body: 'Yon ti kesyon {schoolName} vle poze w: sou yon echèl 1 rive 10, kijan lekòl la ap mache pou {childName}? Reponn ak yon nimewo. Ou ka di nou plis tou si w vle. - {staffName}',
    emailSubject: 'Kijan lekòl la ap mache pou {childName}?',
  },
  no_answer_follow_up: {
    body: 'Bonjou, se {schoolName} k ap ekri w. Nou te eseye jwenn ou pou nou pale sou {childName}, e nou vle asire nou tout bagay anfòm. Tanpri reponn isit la oswa rele nou nan {schoolPhone} lè li bon pou ou. Nou la pou ede. - {staffName}',
    emailSubject: 'N ap pran nouvèl {childName}',
  },
  statutory_notice: {
    body: `Chè fanmi {childName},

N ap ekri w paske {childName} manke {missedUnit, select, hours {{missedAmount, number} èdtan} other {{missedAmount, number} jou}} lekòl nan {schoolName} ane sa a. Lwa eta a mande nou voye lèt sa a lè yon elèv manke lekòl konsa.

Nou konnen ka gen anpil rezon. Nou vle travay avè w pou {childName} ka vin lekòl chak jou.

Men sa ou ka fè:
1. Rele {staffName} nan {schoolPhone}, oswa reponn mesaj sa a.
2. Di nou sa ki fè li difisil pou vin lekòl. Nou ka ede ak transpò, sante, ak lòt bagay.
3. Rankontre ak nou pou nou fè yon plan ansanm.

Si ou panse chif sa a pa bon, tanpri fè nou konnen.

Mèsi paske w ap travay avèk nou.
{staffName}, {schoolName}`,
    emailSubject: 'Sou prezans {childName} lekòl',
  },
  consent_confirmation: {
    body: 'Bonjou, se ekip prezans {schoolName} k ap ekri w. N ap voye mesaj ba ou sou prezans pitit ou lekòl ak kijan nou ka ede. Ou ka reponn nenpòt ki lè. Reponn HELP pou jwenn èd oswa STOP pou sispann. Frè mesaj ak done ka aplike.',
  },
  opt_out_confirmation: {
    body: 'Ou p ap resevwa lòt mesaj nan men {schoolName}. Reponn START pou resevwa yo ankò.',
  },
  opt_in_confirmation: {
    body: 'Byenveni ankò! W ap resevwa mesaj {schoolName} yo ankò sou prezans pitit ou lekòl. Reponn HELP pou jwenn èd oswa STOP pou sispann.',
  },
  help_reply: {
    body: 'Se ekip prezans {schoolName}. Nou la pou ede w: reponn isit la oswa rele {schoolPhone}. Reponn STOP pou sispann resevwa mesaj.',
  },
  weekly_digest: {
    body: 'Mesaj semèn sa a soti nan {schoolName}:',
    emailSubject: 'Mesaj semèn sa a soti nan {schoolName}',
  },
  voice_keypad_prompt: {
    body: 'Peze 1 si {childName} lekòl jodi a. Peze 2 pou di nou {childName} malad. Peze 3 si w bezwen èd nan men lekòl la. Peze 9 pou sispann resevwa apèl sa yo.',
  },
  sign_in_code: {
    body: 'Kòd pou antre nan Homeroom {districtName} se {code}. Li ekspire nan 10 minit. Pa bay pèsonn li. Si se pa ou ki mande l, pa okipe mesaj sa a.',
    emailSubject: 'Kòd pou antre ({districtName})',
  },
  sms_reply_menu: {
    body: 'Reponn 1 si {childName} lekòl, 2 si {childName} malad, oswa 3 si w bezwen èd nan men lekòl la.',
  },
  portal_link: {
    body: 'Gade kijan pitit ou ap fè, di nou si li pral absan oswa ekri nou sou paj fanmi w (lyen sa a mache yon sèl fwa, pandan 7 jou): {link}',
  },
};
