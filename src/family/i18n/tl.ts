/**
 * The family portal in Tagalog, with "po" and "kayo/ninyo" for respect and the everyday Taglish
 * of Filipino-American families ("mag-sign in", "text", "email", "grade"), as the message
 * templates. The child's name takes its marker ("si {name}", "ni {name}", "kay {name}").
 * Tagalog nouns do not change for number ("1 araw", "5 araw"); CLDR's Filipino rules still
 * distinguish one/other, so both branches are given and read the same.
 */
import type { FamilyMessageKey } from './en.ts';

export const tl = {
  'app.name': 'Homeroom',
  'app.skip': 'Lumaktaw sa nilalaman',
  'nav.label': 'Menu ng pamilya',
  'nav.children': 'Aking mga anak',
  'nav.messages': 'Mga mensahe',
  'nav.help': 'Humingi ng tulong',
  'nav.settings': 'Mga setting',
  'nav.signOut': 'Mag-sign out',
  'language.label': 'Wika',
  'language.change': 'Palitan',

  'signIn.title': 'Mag-sign in',
  'signIn.intro':
    'Tingnan kung kumusta ang inyong anak sa paaralan, ipaalam sa paaralan ang pagliban, o humingi ng tulong. Magpapadala kami ng code sa numero ng telepono o email ninyo na nasa paaralan.',
  'signIn.address': 'Numero ng mobile phone o email',
  'signIn.addressHint': 'Halimbawa: 555-010-2030 o pangalan@example.com',
  'signIn.district': 'School district',
  'signIn.remember': 'Sarili kong telepono o computer ito: manatiling naka-sign in',
  'signIn.send': 'Padalhan ako ng code',
  'signIn.codeTitle': 'Ilagay ang inyong code',
  'signIn.codeIntro':
    'Kung nasa paaralan ang numero o email na ito, kapapadala lang namin dito ng 6-digit na code. Gumagana ito nang 10 minuto. Kung may tumawag sa inyo, babasahin nang malakas ang code.',
  'signIn.code': '6-digit na code',
  'signIn.verify': 'Mag-sign in',
  'signIn.again': 'Humingi ng bagong code',
  'signIn.notOnFile':
    'Walang dumating na code? Baka ibang numero o email ninyo ang nasa paaralan. Pakitawagan po ang opisina ng paaralan para ma-update ito.',
  'signIn.error.address': 'Maglagay ng numero ng mobile phone (tulad ng 555-010-2030) o email address.',
  'signIn.error.tooMany':
    'Masyadong maraming code ang hiningi. Maghintay po nang {minutes, plural, one {# minuto} other {# minuto}} at subukang muli.',
  'signIn.error.wrongCode':
    'Hindi tama ang code na iyan. Puwede pa kayong sumubok nang {left, plural, one {# beses} other {# beses}}.',
  'signIn.error.deadCode': 'Hindi tama o expired na ang code na ito. Humingi ng bagong code.',
  'signIn.error.ended': 'Na-sign out po kayo. Mag-sign in po ulit.',
  'signIn.error.district': 'Piliin ang inyong school district.',
  'signIn.linkExpired':
    'Nagamit na o nag-expire na ang link na ito. Puwede po namin kayong padalhan ng code sa halip.',
  'link.title': 'Buksan ang page ng inyong pamilya',
  'link.intro':
    'Binubuksan ng link na ito mula sa paaralan ang page ng inyong pamilya. Isang beses lang ito gagana.',
  'link.continue': 'Magpatuloy',
  signedOut: 'Naka-sign out na po kayo.',

  'home.title': 'Aking mga anak',
  'home.hello': 'Kumusta po, {name}',
  'home.none':
    'Wala kaming nakitang batang naka-link sa inyo. Pakitawagan po ang opisina ng paaralan: masusuri nila ang inyong numero ng telepono o email.',
  'home.seeMore': 'Tingnan ang pagpasok ni {name}',
  'home.report': 'Ipaalam ang pagliban ni {name}',

  'child.missed':
    'Ngayong taon ng pag-aaral, {days, plural, =0 {hindi pa lumiliban si {name} kahit isang araw} one {lumiban na si {name} nang # araw} other {lumiban na si {name} nang # araw}}.',
  'child.missedHalf':
    'Ngayong taon ng pag-aaral, lumiban na si {name} nang {days} araw (ang kalahating araw ay binibilang na kalahati).',
  'child.pace':
    'Kung magpapatuloy ito, maaaring umabot sa mga {projected, plural, one {# araw} other {# araw}} ang liban ni {name} pagdating ng katapusan ng taon ng pag-aaral.',
  'child.status.satisfactory':
    'Maganda po ang taong ito sa ngayon. Salamat po sa pagtiyak na nakakapasok si {name} sa paaralan!',
  'child.status.at_risk':
    'Mahalaga ang bawat araw. Kapag lumiban nang 18 araw o higit pa sa isang taon (10%), mas nahihirapang matuto ang bata. Narito kami para tumulong.',
  'child.status.chronic':
    'Marami na pong aralin ang nalampasan. Gusto naming tumulong: sabihin po sa amin kung ano ang nagpapahirap sa pagpasok.',
  'child.improving':
    'Magandang balita: mas madalas nang pumapasok si {name} nitong mga nakaraang araw. Ipagpatuloy po!',
  'child.school': '{school}, grade {grade}',
  'child.noFigures': 'Wala pang record ng pagpasok ni {name} ngayong taon ng pag-aaral.',
  'child.rate': 'Pumasok sa paaralan sa {rate} ng mga araw ng klase',
  'child.trajectory': 'Ang pagpasok ni {name} ngayong taon',
  'child.trajectoryLine':
    'Ang linya sa 90% ang layunin: kapag mas mababa rito, masyado nang marami ang liban ng bata.',
  'child.trajectoryTable': 'Pagpasok ayon sa petsa',
  'child.trajectoryDate': 'Petsa',
  'child.trajectoryRate': 'Pumasok sa paaralan',
  'child.calendar': 'Kalendaryo',
  'child.calendarLegend': 'Kahulugan ng mga marka',
  'child.day.present': 'Nasa paaralan',
  'child.day.absent': 'Lumiban',
  'child.day.excused': 'Lumiban (may pahintulot)',
  'child.day.partial': 'Bahagi ng araw',
  'child.day.tardy': 'Nahuli',
  'child.day.noSchool': 'Walang pasok',
  'child.day.future': 'Hindi pa dumarating',
  'child.previousMonth': 'Nakaraang buwan',
  'child.nextMonth': 'Susunod na buwan',
  'child.recent': 'Mga kamakailang liban',
  'child.recentNone': 'Wala pang liban ngayong taon.',
  'child.reason': 'Dahilan: {reason}',
  'child.reasonUnknown': 'Wala pang ibinigay na dahilan',
  'child.report': 'Ipaalam ang pagliban o pagkahuli',
  'child.atSchool': 'Nasa paaralan si {name}',

  'reason.illness': 'May sakit',
  'reason.medical': 'Doktor o dentista',
  'reason.family': 'Usaping pampamilya o emergency',
  'reason.transport': 'Walang masakyan papuntang paaralan',
  'reason.religious': 'Relihiyosong pista',
  'reason.bereavement': 'May namatay sa pamilya',
  'reason.suspension': 'Suspensyon',
  'reason.school_activity': 'Aktibidad ng paaralan',
  'reason.weather': 'Masamang panahon',
  'reason.housing': 'Tirahan',
  'reason.caregiving': 'Pag-aalaga sa kapamilya',
  'reason.vacation': 'Biyahe',
  'reason.unknown': 'Hindi alam',
  'reason.other': 'Iba pa',

  'report.title': 'Ipaalam sa paaralan ang pagliban',
  'report.for': 'Para kay {name}',
  'report.kind': 'Ano ang mangyayari?',
  'report.kind.absent': 'Liban buong araw',
  'report.kind.late': 'Mahuhuli ng dating',
  'report.kind.early': 'Aalis nang maaga',
  'report.date': 'Petsa',
  'report.until': 'Huling araw (kung higit sa isang araw)',
  'report.time': 'Mga anong oras? (kung mahuhuli o aalis nang maaga)',
  'report.reason': 'Bakit?',
  'report.barrier': 'May nagpapahirap ba sa pagpasok ngayon? (opsyonal)',
  'report.barrier.none': 'Wala',
  'report.note': 'May iba pa bang dapat malaman ng paaralan? (opsyonal)',
  'report.send': 'Ipadala sa paaralan',
  'report.sent': 'Salamat po. Naipaalam na namin sa paaralan ang tungkol kay {name}.',
  'report.error.date': 'Pumili ng petsa mula ngayon hanggang 60 araw mula ngayon.',
  'report.error.until':
    'Ang huling araw ay dapat kapareho o pagkatapos ng unang araw, at hindi lalampas sa 3 linggo.',
  'report.error.dateFormat': 'Ilagay ang petsa bilang taon-buwan-araw, tulad ng {example}.',

  'barrier.transportation': 'Pagpunta sa paaralan (bus, kotse, layo)',
  'barrier.health': 'Kalusugan (hika, sakit, kalusugang pangkaisipan)',
  'barrier.housing': 'Tirahan (paglipat, nakikitira sa iba)',
  'barrier.childcare': 'Pag-aalaga sa mas batang anak o kapamilya',
  'barrier.work': 'Oras ng trabaho',
  'barrier.school_climate': 'May nangyayari sa paaralan (bullying, hindi pakiramdam na ligtas)',
  'barrier.basic_needs': 'Pagkain, damit, labada, o gamit sa paaralan',
  'barrier.other': 'Iba pa',

  'messages.title': 'Mga mensahe',
  'messages.intro':
    'Mga mensahe sa pagitan ninyo at ng paaralan. Sumulat sa kahit anong wika: babasahin ito ng paaralan.',
  'messages.none': 'Wala pang mensahe.',
  'messages.fromSchool': 'Mula sa paaralan',
  'messages.fromYou': 'Mula sa inyo',
  'messages.write': 'Sumulat sa paaralan',
  'messages.about': 'Tungkol kay',
  'messages.text': 'Ang inyong mensahe',
  'messages.send': 'Ipadala',
  'messages.sent': 'Naipadala na ang inyong mensahe. Sasagot ang paaralan dito o sa text.',
  'messages.error.empty': 'Sumulat muna ng mensahe.',
  'messages.error.long':
    'Masyadong mahaba ang inyong mensahe: paikliin po ito sa mas mababa sa 1000 character.',

  'help.title': 'Humingi ng tulong',
  'help.intro':
    'Maraming pamilya ang may pinagdadaanan na nagpapahirap sa pagpasok sa paaralan. Hindi kayo nag-iisa, at hindi ninyo ito kasalanan. Sabihin sa amin kung ano ang makakatulong, at may kokontak sa inyo mula sa paaralan.',
  'help.barrier': 'Ano ang makakatulong?',
  'help.note': 'Magkuwento pa (opsyonal)',
  'help.for': 'Para sa aling anak?',
  'help.send': 'Humingi ng tulong',
  'help.sent': 'Salamat po. May kokontak sa inyo mula sa paaralan sa lalong madaling panahon.',

  'child.survey': 'Sabihin sa amin kung kumusta ang pag-aaral ni {name}',
  'survey.title': 'Kumusta ang pag-aaral?',
  'survey.intro':
    'Nakakatulong ang inyong mga sagot para maunawaan ng paaralan kung ano ang bagay sa inyong pamilya. Opsyonal ang bawat tanong.',
  'survey.score': 'Mula 1 hanggang 10, kumusta ang pag-aaral ni {name}?',
  'survey.scoreHint': 'Ang 1 ay napakasama, ang 10 ay napakaganda.',
  'survey.going_well': 'Ano ang maayos?',
  'survey.hard': 'Ano ang nagpapahirap kay {name} na pumasok sa paaralan?',
  'survey.help': 'Ano ang puwedeng gawin ng paaralan para tumulong?',
  'survey.send': 'Ipadala ang aking mga sagot',
  'survey.sent': 'Salamat po sa pagsasabi sa amin.',
  'survey.error.score': 'Pumili ng numero mula 1 hanggang 10.',
  'survey.error.empty': 'Pumili ng numero mula 1 hanggang 10, o sagutin ang isang tanong.',

  'home.policy': 'Pakibasa at pirmahan po ang patakaran sa pagpasok: {title}',
  'policy.title': 'Patakaran sa pagpasok',
  'policy.none': 'Hindi pa naglalagay ang inyong paaralan ng patakaran sa pagpasok dito.',
  'policy.translationNote':
    'Nasa Ingles ang patakarang ito dahil hindi pa ito naisasalin ng paaralan. Tumawag po sa paaralan kung gusto ninyong may magpaliwanag nito sa inyong wika.',
  'policy.signer': 'Sino ang pipirma?',
  'policy.agree': 'Nabasa ko na ang patakaran sa pagpasok.',
  'policy.name': 'I-type ang inyong buong pangalan para pumirma',
  'policy.sign': 'Pumirma',
  'policy.signed': 'Salamat po. Napirmahan na ninyo ang patakaran sa pagpasok.',
  'policy.signedOn': 'Pinirmahan ni {name} noong {date}.',
  'policy.error.agree': 'Lagyan ng check ang kahon para sabihing nabasa na ninyo ang patakaran.',
  'policy.error.name': 'I-type ang inyong buong pangalan para pumirma.',
  'policy.error.changed': 'Nagbago ang patakaran habang binabasa ninyo ito. Pakibasa po ang bagong bersyon.',

  'conference.title': 'Makipagkita sa paaralan',
  'conference.intro':
    'Nais ng paaralan na makipagkita sa inyo tungkol kay {name}. Pumili ng oras na maginhawa para sa inyo.',
  'conference.mode.in_person': 'Nang personal',
  'conference.mode.phone': 'Sa telepono',
  'conference.mode.video': 'Sa video call',
  'conference.book': 'I-book ang oras na ito',
  'conference.booked': 'Ang inyong pulong tungkol kay {name}: {when}, {mode}, kasama si {host}.',
  'conference.bookedNotice': 'Salamat. Naka-book na ang inyong pulong.',
  'conference.gone': 'Hindi na available ang oras na iyon. Pumili po ng iba.',

  'help.resourcesTitle': 'Tulong na malapit sa inyo',
  'help.resourcesIntro':
    'Habang hinihintay ninyo ang tawag ng paaralan, maaaring makatulong ang mga serbisyong ito:',
  'help.call': 'Tumawag sa {phone}',
  'help.website': 'Website',

  'report.photo': 'Litrato ng isang sulat (opsyonal)',
  'report.photoHint': 'Halimbawa, sulat ng doktor: litrato o PDF, hanggang 5 MB.',
  'report.error.photo': 'Ang litrato ay dapat larawan (JPEG, PNG, WEBP o HEIC) o PDF, hanggang 5 MB.',

  'settings.newsChannel': 'At para sa ibang balita (buod, magandang balita, imbitasyon)?',
  'settings.newsChannel.same': 'Sa parehong paraan',

  'voice.unknown': 'Hindi namin makita ang numerong ito. Pakitawagan ang opisina ng paaralan.',
  'voice.chooseChild': 'Para kay {name}, pindutin ang {digit}.',
  'voice.menu':
    'Pindutin ang 1 kung may sakit si {name} ngayon. Pindutin ang 2 kung hindi makakapasok si {name} ngayon dahil sa ibang dahilan. Pindutin ang 3 kung hindi makakapasok si {name} bukas. Pindutin ang 4 kung kailangan ninyo ng tulong mula sa paaralan.',
  'voice.thanks': 'Salamat. Sinabihan na namin ang paaralan. Paalam.',
  'voice.invalid': 'Paumanhin, hindi iyon isa sa mga pagpipilian.',

  'settings.title': 'Mga setting',
  'settings.language': 'Wika ng mga mensahe at ng site na ito',
  'settings.channel': 'Paano kayo unang kokontakin ng paaralan?',
  'settings.channel.sms': 'Text message',
  'settings.channel.voice': 'Tawag sa telepono (babasahin nang malakas ang mensahe)',
  'settings.channel.email': 'Email',
  'settings.quiet': 'Pinakamagandang oras para makontak kayo',
  'settings.quietFrom': 'Mula',
  'settings.quietTo': 'Hanggang',
  'settings.quietHint': 'Iwanang blangko para sa kahit anong oras mula 8 ng umaga hanggang 9 ng gabi.',
  'settings.consent': 'Mga mensaheng natatanggap ninyo',
  'settings.consent.sms': 'Mga text message',
  'settings.consent.voice': 'Mga tawag sa telepono',
  'settings.consent.email': 'Mga email',
  'settings.consentHint':
    'Alisin ang check para ihinto ang ganoong uri ng mensahe. Puwede ninyo itong i-on muli dito kahit kailan.',
  'settings.routing': 'Mga mensahe tungkol sa bawat anak',
  'settings.routingHint':
    'Kung may ibang sambahayan na nakakatanggap din ng mga mensahe tungkol sa isang bata, puwede ninyong piliin kung alin ang darating sa inyo.',
  'settings.routing.alerts': 'Mga alerto sa pagpasok sa araw ding iyon tungkol kay {name}',
  'settings.routing.other': 'Iba pang balita tungkol kay {name} (mga buod, magandang balita, mga imbitasyon)',
  'settings.save': 'I-save',
  'settings.saved': 'Na-save na ang inyong mga setting.',
  'settings.error.quiet': 'Ilagay ang dalawang oras, o iwanang blangko ang pareho.',

  'error.title': 'May problema',
  'error.notFound': 'Hindi namin makita ang page na iyan.',
  'error.notAllowed': 'Hindi ninyo puwedeng makita ang page na ito.',
  'error.back': 'Bumalik sa aking mga anak',
  'error.tooLong': 'Masyadong mahaba ang inyong mensahe: paikliin po ito sa mas mababa sa 1000 character.',
} as const satisfies Record<FamilyMessageKey, string>;
