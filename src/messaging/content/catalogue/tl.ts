/**
 * Tagalog templates, with "po" and "ninyo/kayo" for respect and the everyday Taglish of
 * Filipino-American families ("mag-reply", "text"). Tagalog nouns do not change for
 * number ("1 araw", "5 araw"); CLDR's Filipino rules still distinguish one/other, so both
 * branches are given and read the same.
 */
import type { Catalogue } from '../templates.ts';

const byMonth =
  '{yearEndMonth, select, 1 {Enero} 2 {Pebrero} 3 {Marso} 4 {Abril} 5 {Mayo} 6 {Hunyo} 7 {Hulyo} 8 {Agosto} 9 {Setyembre} 10 {Oktubre} 11 {Nobyembre} 12 {Disyembre} other {katapusan ng taon ng pag-aaral}}';

const days = (name: string): string => `{${name}, plural, one {# araw} other {# araw}}`;

export const tl: Catalogue = {
  same_day_check_in: {
    body: 'Hindi po namin nakita si {childName} sa {schoolName} ngayong araw. Ayos lang po ba ang lahat? Mag-reply po para ipaalam sa amin, o sabihin kung paano kami makakatulong. - {staffName}',
    emailSubject: 'Hindi namin nakita si {childName} sa paaralan ngayong araw',
  },
  real_number: {
    body: `Ngayong taon ng pag-aaral, lumiban na si {childName} nang ${days('daysMissed')}. Kung magpapatuloy ito, maaaring umabot sa mga ${days('projectedDays')} ang liban ni {childName} pagdating ng ${byMonth}. Mahalaga ang bawat araw, at narito kami para tumulong. Mag-reply po para makapag-usap tayo. - {staffName}, {schoolName}`,
    emailSubject: 'Mga araw ng pagpasok ni {childName} ngayong taon',
  },
  improvement_celebration: {
    body: 'Magandang balita! Mas madalas nang pumapasok si {childName} sa paaralan nitong mga nakaraang araw. Salamat po sa lahat ng ginagawa ninyo para mangyari ito. Buong-puso naming sinusuportahan si {childName}! - {staffName}, {schoolName}',
    emailSubject: 'Magandang balita tungkol kay {childName}',
  },
  weekly_summary: {
    body: `Ngayong linggo, pumasok si {childName} nang {daysAttended, number} sa ${days('daysScheduled')} ng klase. Salamat po sa lahat ng ginagawa ninyo. Kung may nagpapahirap sa pagpasok ngayon, mag-reply po at tutulong kami. - {staffName}, {schoolName}`,
    emailSubject: 'Ang linggo ni {childName} sa paaralan',
  },
  monthly_summary: {
    body: `Ngayong buwan, pumasok si {childName} nang {daysAttended, number} sa ${days('daysScheduled')} ng klase. Ngayong taon ng pag-aaral, lumiban na si {childName} nang ${days('daysMissed')}. Mahalaga ang bawat araw. Kung may maitutulong kami, mag-reply lang po. - {staffName}, {schoolName}`,
    emailSubject: 'Ang buwan ni {childName} sa paaralan',
  },
  conference_invitation: {
    body: 'Gusto po naming makipagkita sa inyo para pag-usapan kung kumusta si {childName} at kung paano kami makakatulong. Puwede po ba kayo sa oras na ito: {slotText}? Puwede tayong magkita nang personal o sa telepono, may interpreter kung gusto ninyo. Mag-reply po para kumpirmahin o para humingi ng ibang oras. - {staffName}, {schoolName}',
    emailSubject: 'Puwede po ba tayong magkita tungkol kay {childName}?',
  },
  conference_reminder: {
    body: 'Paalala po tungkol sa ating pagkikita para kay {childName}: {slotText}. Inaasahan namin kayong makita. Kung hindi na po puwede ang oras na iyon, mag-reply lang at hahanap kami ng iba. - {staffName}, {schoolName}',
    emailSubject: 'Paalala: ang ating pagkikita tungkol kay {childName}',
  },
  survey_invitation: {
    body: 'Mabilis na tanong mula sa {schoolName}: mula 1 hanggang 10, kumusta ang pag-aaral ni {childName}? Mag-reply po ng isang numero. Puwede rin po kayong magkuwento pa. - {staffName}',
    emailSubject: 'Kumusta ang pag-aaral ni {childName}?',
  },
  no_answer_follow_up: {
    body: 'Magandang araw po mula sa {schoolName}. Sinubukan po namin kayong kontakin tungkol kay {childName} at gusto lang naming matiyak na ayos ang lahat. Mag-reply po rito o tumawag sa {schoolPhone} kapag maginhawa sa inyo. Narito kami para tumulong. - {staffName}',
    emailSubject: 'Muling kumukumusta tungkol kay {childName}',
  },
  statutory_notice: {
    body: `Mahal na pamilya ni {childName},

Sumusulat kami dahil lumiban na si {childName} nang {missedUnit, select, hours {{missedAmount, plural, one {# oras} other {# oras}}} other {${days('missedAmount')}}} sa {schoolName} ngayong taon. Ayon sa batas ng estado, kailangan naming ipadala ang sulat na ito kapag ganito na karami ang liban ng isang mag-aaral.

Alam naming maraming posibleng dahilan. Gusto naming makipagtulungan sa inyo para makapasok si {childName} araw-araw.

Ito ang puwede ninyong gawin:
1. Tawagan si {staffName} sa {schoolPhone}, o sagutin ang mensaheng ito.
2. Sabihin sa amin kung ano ang nagpapahirap sa pagpasok. Makakatulong kami sa sasakyan, kalusugan, at iba pa.
3. Makipagkita sa amin para gumawa ng plano nang magkasama.

Kung sa tingin ninyo ay mali ang bilang na ito, pakisabi po sa amin.

Salamat po sa pakikipagtulungan ninyo.
{staffName}, {schoolName}`,
    emailSubject: 'Tungkol sa pagpasok ni {childName} sa paaralan',
  },
  consent_confirmation: {
    body: 'Magandang araw po mula sa attendance team ng {schoolName}. Magte-text kami sa inyo tungkol sa pagpasok ng inyong anak at kung paano kami makakatulong. Puwede kayong mag-reply anumang oras. I-reply ang HELP para sa tulong o STOP para huminto. Maaaring may singil para sa mensahe at data.',
  },
  opt_out_confirmation: {
    body: 'Hindi na kayo makakatanggap ng text mula sa {schoolName}. I-reply ang START para makatanggap muli.',
  },
  opt_in_confirmation: {
    body: 'Maligayang pagbabalik! Muli kayong makakatanggap ng text mula sa {schoolName} tungkol sa pagpasok ng inyong anak. I-reply ang HELP para sa tulong o STOP para huminto.',
  },
  help_reply: {
    body: 'Ito ang attendance team ng {schoolName}. Handa kaming tumulong: mag-reply dito o tumawag sa {schoolPhone}. I-reply ang STOP para huminto sa pagtanggap ng text.',
  },
  weekly_digest: {
    body: 'Mga mensahe ngayong linggo mula sa {schoolName}:',
    emailSubject: 'Mga mensahe ngayong linggo mula sa {schoolName}',
  },
  voice_keypad_prompt: {
    body: 'Pindutin ang 1 kung nasa paaralan si {childName} ngayon. Pindutin ang 2 para sabihing may sakit si {childName}. Pindutin ang 3 kung kailangan ninyo ng tulong mula sa paaralan. Pindutin ang 9 para ihinto ang mga tawag na ito.',
  },
  sign_in_code: {
    body: 'Ang iyong code sa pag-sign in sa Homeroom ng {districtName} ay {code}. Mag-e-expire ito sa loob ng 10 minuto. Huwag itong ibahagi. Kung hindi ikaw ang humiling nito, huwag pansinin ang mensaheng ito.',
    emailSubject: 'Ang iyong code sa pag-sign in ({districtName})',
  },
  sms_reply_menu: {
    body: 'Sumagot ng 1 kung nasa paaralan si {childName}, 2 kung may sakit si {childName}, o 3 kung kailangan ninyo ng tulong mula sa paaralan.',
  },
  portal_link: {
    body: 'Tingnan kung kumusta ang inyong anak, sabihin sa amin ang isang pagliban, o sumulat sa amin sa pahina ng inyong pamilya (isang beses lang gumagana ang link na ito, sa loob ng 7 araw): {link}',
  },
};
