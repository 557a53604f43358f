/**
 * Somali templates (af-Soomaali). Somali verbs agree with the gender of a third-person
 * subject, which Homeroom does not know, so sentences about the child are built on nouns
 * ("maqnaanshaha {childName}", the absence of) or on "we". The keypad prompt uses the generic
 * "ardayga" (the student). Somali has no Twilio text-to-speech voice.
 */
import type { Catalogue } from '../templates.ts';

const byMonth =
  '{yearEndMonth, select, 1 {bisha Janaayo} 2 {bisha Febraayo} 3 {bisha Maarso} 4 {bisha Abriil} 5 {bisha Maajo} 6 {bisha Juun} 7 {bisha Luulyo} 8 {bisha Agoosto} 9 {bisha Sebtembar} 10 {bisha Oktoobar} 11 {bisha Nofembar} 12 {bisha Desembar} other {dhammaadka sanad-dugsiyeedka}}';

const days = (name: string): string => `{${name}, plural, one {# maalin} other {# maalmood}}`;

export const so: Catalogue = {
  same_day_check_in: {
    body: 'Maanta kuma aynaan arkin {childName} iskuulka {schoolName}. Ma nabad baa? Nagu soo jawaab si aad noo ogeysiiso, ama noo sheeg sida aan kuu caawin karno. - {staffName}',
    emailSubject: 'Maanta kuma aynaan arkin {childName} iskuulka',
  },
  real_number: {
    body: `Sanadkan ilaa hadda, maqnaanshaha {childName} ee iskuulka waa ${days('daysMissed')}. Haddii ay sidan ku sii socoto, wuxuu gaari doonaa qiyaastii ${days('projectedDays')} marka la gaaro ${byMonth}. Maalin kasta waa muhiim, waxaana diyaar u nahay inaan ku caawinno. Nagu soo jawaab si aan u wada hadalno. - {staffName}, {schoolName}`,
    emailSubject: 'Maalmaha iskuulka ee {childName} sanadkan',
  },
  improvement_celebration: {
    body: 'War wanaagsan! Imaanshaha {childName} ee iskuulka ayaa dhawaan aad u soo fiicnaaday. Waad ku mahadsan tahay dadaalka aad samaynayso. Aad baanu ugu faraxsannahay {childName}! - {staffName}, {schoolName}',
    emailSubject: 'War wanaagsan oo ku saabsan {childName}',
  },
  weekly_summary: {
    body: `Toddobaadkan, imaanshaha {childName} ee iskuulka waa {daysAttended, number} ka mid ah ${days('daysScheduled')}. Waad ku mahadsan tahay wax walba oo aad samayso. Haddii ay jirto wax hadda iskuulka ka dhigaya mid adag, nagu soo jawaab, waanan ku caawin doonnaa. - {staffName}, {schoolName}`,
    emailSubject: 'Toddobaadka {childName} ee iskuulka',
  },
  monthly_summary: {
    body: `Bishan, imaanshaha {childName} ee iskuulka waa {daysAttended, number} ka mid ah ${days('daysScheduled')}. Sanadkan ilaa hadda, maqnaanshaha {childName} waa ${days('daysMissed')}. Maalin kasta waa muhiim. Haddii aan wax kaa caawin karno, uun nagu soo jawaab. - {staffName}, {schoolName}`,
    emailSubject: 'Bisha {childName} ee iskuulka',
  },
  conference_invitation: {
    body: 'Waxaan jeclaan lahayn inaan kula kulanno si aan uga wada hadalno waxbarashada {childName} iyo sida aan u caawin karno. Waqtigan ma kuu habboon yahay: {slotText}? Waxaan kula kulmi karnaa si toos ah ama taleefan, oo turjumaan leh haddii aad rabto. Nagu soo jawaab si aad u xaqiijiso ama waqti kale u codsato. - {staffName}, {schoolName}',
    emailSubject: 'Ma kula kulmi karnaa si aan uga hadalno {childName}?',
  },
  conference_reminder: {
    body: 'Xusuusin: kulankeenna ku saabsan {childName} waa {slotText}. Waxaan rajaynaynaa inaan ku aragno. Haddii waqtigaasi aanu hadda kuu habboonayn, nagu soo jawaab oo waxaan helaynaa waqti kale. - {staffName}, {schoolName}',
    emailSubject: 'Xusuusin: kulankeenna ku saabsan {childName}',
  },
  survey_invitation: {
    body: "Su'aal degdeg ah oo ka timid {schoolName}: laga bilaabo 1 ilaa 10, sidee buu iskuulku ugu socdaa {childName}? Nagu soo jawaab lambar. Haddii aad rabto, wax badan noo sheeg. - {staffName}",
    emailSubject: 'Sidee buu iskuulku ugu socdaa {childName}?',
  },
  no_answer_follow_up: {
    body: 'Salaan ka timid {schoolName}. Waxaan isku daynay inaan kula xiriirno arrin ku saabsan {childName}, waxaana rabnaa inaan hubinno in wax walba ay hagaagsan yihiin. Fadlan halkan nagu soo jawaab ama naga soo wac {schoolPhone} marka ay kuu fududahay. Waxaan joognaa si aan kuu caawinno. - {staffName}',
    emailSubject: 'Mar kale ayaan kula soo xiriiraynaa {childName} darteed',
  },
  statutory_notice: {
    body: `Qoyska {childName}, nabad iyo salaan,

Waxaan idiinku soo qoraynaa warqaddan sababtoo ah sanadkan maqnaanshaha {childName} ee {schoolName} waa {missedUnit, select, hours {{missedAmount, plural, one {# saac} other {# saacadood}}} other {${days('missedAmount')}}}. Sharciga gobolka ayaa na weydiinaya inaan warqaddan dirno marka arday uu iskuulka inta le'eg ka maqnaado.

Waan ognahay in sababo badan ay jiri karaan. Waxaan rabnaa inaan idinla shaqayno si aan {childName} maalin kasta iskuulka ugu aragno.

Waxa aad samayn kartaan:
1. Waca {staffName} lambarka {schoolPhone}, ama ka jawaaba fariintan.
2. Noo sheega waxa adkeeya imaanshaha iskuulka. Waxaan idinka caawin karnaa gaadiidka, caafimaadka iyo waxyaabo kale.
3. Nala kulma si aan u wada samayno qorshe.

Haddii aad u malaynaysaan in tiradani khaldan tahay, fadlan noo sheega.

Waad ku mahadsan tihiin inaad nala shaqaysaan.
{staffName}, {schoolName}`,
    emailSubject: 'Ku saabsan imaanshaha iskuulka ee {childName}',
  },
  consent_confirmation: {
    body: 'Salaan, waa kooxda xaadiritaanka {schoolName}. Waxaan kuu soo diri doonnaa fariimo ku saabsan xaadiritaanka ilmahaaga iyo sida aan kuu caawin karno. Waxaad nagu soo jawaabi kartaa wakhti kasta. U jawaab HELP si aad caawimaad u hesho ama STOP si aad u joojiso. Kharashka fariimaha iyo xogta ayaa laga yaabaa inay khusayso.',
  },
  opt_out_confirmation: {
    body: 'Fariimo kale kama heli doontid {schoolName}. U jawaab START si aad mar kale u hesho.',
  },
  opt_in_confirmation: {
    body: 'Ku soo dhowow mar kale! Waxaad mar kale ka heli doontaa {schoolName} fariimo ku saabsan xaadiritaanka ilmahaaga. U jawaab HELP si aad caawimaad u hesho ama STOP si aad u joojiso.',
  },
  help_reply: {
    body: 'Waa kooxda xaadiritaanka {schoolName}. Waan diyaar u nahay inaan ku caawinno: halkan nagu soo jawaab ama wac {schoolPhone}. U jawaab STOP si aad u joojiso fariimaha.',
  },
  weekly_digest: {
    body: 'Fariimaha toddobaadkan ee ka yimid {schoolName}:',
    emailSubject: 'Fariimaha toddobaadkan ee ka yimid {schoolName}',
  },
  voice_keypad_prompt: {
    body: 'Riix 1 haddii ardayga {childName} uu maanta iskuulka joogo. Riix 2 si aad noogu sheegto in ardayga {childName} uu jiran yahay. Riix 3 haddii aad u baahan tahay caawimaad iskuulka. Riix 9 si aad u joojiso wicitaannadan.',
  },
  sign_in_code: {
    body: 'Koodhka aad ku gelayso Homeroom ee {districtName} waa {code}. Wuxuu dhacayaa 10 daqiiqo kadib. Cidna ha la wadaagin. Haddii aadan codsan, iska dhaaf farriintan.',
    emailSubject: 'Koodhkaaga gelitaanka ({districtName})',
  },
  sms_reply_menu: {
    body: 'Ku jawaab 1 haddii ardayga {childName} uu iskuulka joogo, 2 haddii ardayga {childName} uu jiran yahay, ama 3 haddii aad u baahan tahay caawimaad iskuulka.',
  },
  portal_link: {
    body: 'Ka eeg sida ilmahaagu u socdo, noogu sheeg maqnaansho ama noo qor boggaaga qoyska (xiriirkani hal mar ayuu shaqeeyaa, muddo 7 maalmood ah): {link}',
  },
};
