/**
 * The family portal in Somali (af-Soomaali, speaking to the parent as "adiga", as most message
 * templates do). Somali verbs agree with the gender of a third-person subject, which Homeroom
 * does not know, so sentences about the child are built on nouns ("maqnaanshaha {name}", the
 * absence of), on a negative past (the same for every person: "kama maqnaan"), or on the
 * generic "ardayga" (the student) as the templates' keypad prompt does. Plurals: one/other
 * ("# maalin" / "# maalmood").
 */
import type { FamilyMessageKey } from './en.ts';

export const so = {
  'app.name': 'Homeroom',
  'app.skip': 'U gudub qoraalka bogga',
  'nav.label': 'Liiska qoyska',
  'nav.children': 'Carruurtayda',
  'nav.messages': 'Fariimaha',
  'nav.help': 'Hel caawimaad',
  'nav.settings': 'Dejinta',
  'nav.signOut': 'Ka bax',
  'language.label': 'Luqadda',
  'language.change': 'Beddel',

  'signIn.title': 'Gal',
  'signIn.intro':
    'Eeg sida ilmahaagu iskuulka ugu socdo, u sheeg iskuulka maqnaansho, ama codso caawimaad. Waxaan koodh u diri doonnaa lambar taleefan ama iimayl uu iskuulku kaa hayo.',
  'signIn.address': 'Lambarka taleefanka gacanta ama iimaylka',
  'signIn.addressHint': 'Tusaale 555-010-2030 ama magac@example.com',
  'signIn.district': 'Degmada iskuulada',
  'signIn.remember': 'Kani waa taleefankayga ama kombiyuutarkayga: i xasuuso',
  'signIn.send': 'Ii soo dir koodh',
  'signIn.codeTitle': 'Geli koodhkaaga',
  'signIn.codeIntro':
    'Haddii iskuulku hayo lambarkan ama iimaylkan, hadda ayaan u dirnay koodh ka kooban 6 lambar. Wuxuu shaqaynayaa 10 daqiiqo. Haddii lagu soo waco, koodhka waa laguu akhrin doonaa.',
  'signIn.code': 'Koodhka 6 lambar ah',
  'signIn.verify': 'Gal',
  'signIn.again': 'Codso koodh cusub',
  'signIn.notOnFile':
    'Koodh ma helin? Waxaa laga yaabaa in iskuulku kaa hayo lambar ama iimayl kale. Fadlan wac xafiiska iskuulka si ay u cusboonaysiiyaan.',
  'signIn.error.address': 'Geli lambarka taleefanka gacanta (sida 555-010-2030) ama ciwaanka iimaylka.',
  'signIn.error.tooMany':
    'Koodh aad u badan ayaa la codsaday. Fadlan sug {minutes, plural, one {# daqiiqo} other {# daqiiqo}} kadibna isku day mar kale.',
  'signIn.error.wrongCode':
    'Koodhkaasi sax ma aha. Waxaad isku dayi kartaa {left, plural, one {# mar oo kale} other {# mar oo kale}}.',
  'signIn.error.deadCode': 'Koodhkan sax ma aha ama waa uu dhacay. Codso koodh cusub.',
  'signIn.error.ended': 'Waa lagaa saaray. Fadlan mar kale gal.',
  'signIn.error.district': 'Dooro degmadaada iskuulada.',
  'signIn.linkExpired':
    'Xiriirkan waa la isticmaalay ama wuu dhacay. Waxaan kuu soo diri karnaa koodh beddelkiisa.',
  'link.title': 'Fur bogga qoyskaaga',
  'link.intro':
    'Xiriirkan ka yimid iskuulka wuxuu furayaa bogga qoyskaaga. Hal mar oo keliya ayuu shaqeeyaa.',
  'link.continue': 'Sii wad',
  signedOut: 'Waad ka baxday.',

  'home.title': 'Carruurtayda',
  'home.hello': 'Salaan, {name}',
  'home.none':
    'Ma aanan helin ilmo lagugu xiriiriyay. Fadlan wac xafiiska iskuulka: waxay hubin karaan lambarka taleefankaaga ama iimaylkaaga.',
  'home.seeMore': 'Eeg imaanshaha {name} ee iskuulka',
  'home.report': 'Soo sheeg maqnaanshaha {name}',

  'child.missed':
    'Sanadkan ilaa hadda, {days, plural, =0 {{name} maalinna iskuulka kama maqnaan} one {maqnaanshaha {name} ee iskuulka waa # maalin} other {maqnaanshaha {name} ee iskuulka waa # maalmood}}.',
  'child.missedHalf':
    'Sanadkan ilaa hadda, maqnaanshaha {name} ee iskuulka waa {days} maalmood (nus maalin waxaa loo tiriyaa nus).',
  'child.pace':
    'Haddii ay sidan ku sii socoto, maqnaanshaha {name} wuxuu gaari doonaa qiyaastii {projected, plural, one {# maalin} other {# maalmood}} marka sanad-dugsiyeedku dhammaado.',
  'child.status.satisfactory':
    'Ilaa hadda waa sanad wanaagsan. Waad ku mahadsan tahay inaad {name} iskuulka u dirto!',
  'child.status.at_risk':
    'Maalin kasta waa muhiim. Ka maqnaanshaha 18 maalmood ama ka badan sanadkii (10%) waxbarashada aad ayuu u adkeeyaa. Waxaan diyaar u nahay inaan ku caawinno.',
  'child.status.chronic':
    'Taasi waa waxbarasho badan oo la seegay. Waxaan rabnaa inaan ku caawinno: noo sheeg waxa iskuulka ka dhigaya mid adag.',
  'child.improving':
    'War wanaagsan: imaanshaha {name} ee iskuulka ayaa dhawaan soo fiicnaaday. Sidaas ku sii wad!',
  'child.school': '{school}, fasalka {grade}',
  'child.noFigures': 'Sanad-dugsiyeedkan wali ma jiro xaadiritaan loo diiwaangeliyay {name}.',
  'child.rate': 'Imaanshaha iskuulka: {rate} maalmaha dugsiga',
  'child.trajectory': 'Imaanshaha {name} sanadkan',
  'child.trajectoryLine':
    'Xariiqda 90% waa hadafka: ka hoosaysa waxay ka dhigan tahay maqnaansho aad u badan.',
  'child.trajectoryTable': 'Imaanshaha iyadoo taariikh loo eegayo',
  'child.trajectoryDate': 'Taariikhda',
  'child.trajectoryRate': 'Imaanshaha',
  'child.calendar': 'Kalandarka',
  'child.calendarLegend': 'Macnaha calaamadaha',
  'child.day.present': 'Joogitaan',
  'child.day.absent': 'Maqnaansho',
  'child.day.excused': 'Maqnaansho (fasax leh)',
  'child.day.partial': 'Qayb maalinta ka mid ah',
  'child.day.tardy': 'Daahitaan',
  'child.day.noSchool': 'Iskuul ma jiro',
  'child.day.future': 'Wali ma iman',
  'child.previousMonth': 'Bishii hore',
  'child.nextMonth': 'Bisha xigta',
  'child.recent': 'Maqnaanshaha dhowaan',
  'child.recentNone': 'Sanadkan wali maqnaansho ma jiro.',
  'child.reason': 'Sababta: {reason}',
  'child.reasonUnknown': 'Wali sabab lama sheegin',
  'child.report': 'Soo sheeg maqnaansho ama daahitaan',
  'child.atSchool': 'Ardayga {name} wuxuu joogaa iskuulka',

  'reason.illness': 'Jirro',
  'reason.medical': 'Dhakhtar ama dhakhtarka ilkaha',
  'reason.family': 'Arrin qoys ama xaalad degdeg ah',
  'reason.transport': 'Ma jiro gaadiid iskuulka lagu tago',
  'reason.religious': 'Ciid diimeed',
  'reason.bereavement': 'Geeri qoyska ka dhacday',
  'reason.suspension': 'Joojin ku meel gaar ah',
  'reason.school_activity': 'Hawl iskuul',
  'reason.weather': 'Cimilada',
  'reason.housing': 'Hoyga',
  'reason.caregiving': 'Daryeelka qoyska',
  'reason.vacation': 'Safar',
  'reason.unknown': 'Lama yaqaan',
  'reason.other': 'Wax kale',

  'report.title': 'U sheeg iskuulka maqnaansho',
  'report.for': 'Ku saabsan {name}',
  'report.kind': 'Maxaa dhacaya?',
  'report.kind.absent': 'Maqnaansho maalinta oo dhan',
  'report.kind.late': 'Daahitaan',
  'report.kind.early': 'Bixitaan hore',
  'report.date': 'Taariikhda',
  'report.until': 'Maalinta ugu dambaysa (haddii ay ka badan tahay hal maalin)',
  'report.time': 'Qiyaastii saacaddee? (daahitaan ama bixitaan hore)',
  'report.reason': 'Maxay tahay sababtu?',
  'report.barrier': 'Ma jiraa wax hadda iskuulka ka dhigaya mid adag? (ikhtiyaari)',
  'report.barrier.none': 'Maya',
  'report.note': 'Wax kale oo ay tahay in iskuulku ogaado? (ikhtiyaari)',
  'report.send': 'U dir iskuulka',
  'report.sent': 'Mahadsanid. Iskuulka waan u sheegnay arrinta {name}.',
  'report.error.date': 'Dooro taariikh u dhexaysa maanta iyo 60 maalmood kadib.',
  'report.error.until':
    'Maalinta ugu dambaysa waa inay noqotaa maalinta koowaad ama ka dib, ugu badnaan 3 toddobaad kadib.',
  'report.error.dateFormat': 'Ku qor taariikhda sanad-bil-maalin, sida {example}.',

  'barrier.transportation': 'Gaarista iskuulka (bas, baabuur, masaafo)',
  'barrier.health': 'Caafimaadka (neef, jirro, caafimaadka maskaxda)',
  'barrier.housing': 'Hoyga (guuritaan, la deganaansho dad kale)',
  'barrier.childcare': 'Daryeelka carruur yaryar ama qoyska',
  'barrier.work': 'Jadwalka shaqada',
  'barrier.school_climate': "Wax iskuulka ka dhaca (cagajuglayn, dareen ammaan la'aan)",
  'barrier.basic_needs': 'Cunto, dhar, dhar-dhaqid ama agabka iskuulka',
  'barrier.other': 'Wax kale',

  'messages.title': 'Fariimaha',
  'messages.intro':
    'Fariimaha u dhexeeya adiga iyo iskuulka. Ku qor luqad kasta: iskuulku wuu akhrin doonaa.',
  'messages.none': 'Wali fariin ma jirto.',
  'messages.fromSchool': 'Ka timid iskuulka',
  'messages.fromYou': 'Adiga ka timid',
  'messages.write': 'U qor iskuulka',
  'messages.about': 'Ku saabsan',
  'messages.text': 'Fariintaada',
  'messages.send': 'Dir',
  'messages.sent':
    'Fariintaada waa la diray. Iskuulku halkan ama fariin qoraal ah ayuu kugu soo jawaabi doonaa.',
  'messages.error.empty': 'Marka hore qor fariin.',
  'messages.error.long': 'Fariintaadu aad bay u dheer tahay: fadlan ka yaree 1000 xaraf.',

  'help.title': 'Hel caawimaad',
  'help.intro':
    'Qoysas badan ayaa leh wax ka dhigaya imaanshaha iskuulka mid adag. Kaligaa ma tihid, qaladkaagana ma aha. Noo sheeg waxa ku caawin lahaa, qof iskuulka ka mid ahna wuu kula soo xiriiri doonaa.',
  'help.barrier': 'Maxaa ku caawin lahaa?',
  'help.note': 'Wax badan noo sheeg (ikhtiyaari)',
  'help.for': 'Ilmahee?',
  'help.send': 'Codso caawimaad',
  'help.sent': 'Mahadsanid. Qof iskuulka ka mid ah ayaa dhawaan kula soo xiriiri doona.',

  'child.survey': 'Noo sheeg sida iskuulku ugu socdo {name}',
  'survey.title': 'Sidee buu iskuulku u socdaa?',
  'survey.intro':
    "Jawaabahaagu waxay kooxda iskuulka ka caawinayaan inay fahmaan waxa qoyskaaga u fiican. Su'aal kasta waa ikhtiyaari.",
  'survey.score': 'Laga bilaabo 1 ilaa 10, sidee buu iskuulku ugu socdaa {name}?',
  'survey.scoreHint': '1 waxay ka dhigan tahay aad u xun, 10 waxay ka dhigan tahay aad u fiican.',
  'survey.going_well': 'Maxaa si fiican u socda?',
  'survey.hard': 'Maxaa adkeeya imaanshaha {name} ee iskuulka?',
  'survey.help': 'Muxuu iskuulku samayn karaa si uu kuu caawiyo?',
  'survey.send': 'Dir jawaabahayga',
  'survey.sent': 'Waad ku mahadsan tahay inaad noo sheegtay.',
  'survey.error.score': 'Dooro lambar u dhexeeya 1 iyo 10.',
  'survey.error.empty': "Dooro lambar u dhexeeya 1 iyo 10, ama ka jawaab su'aal.",

  'home.policy': 'Fadlan akhri oo saxiix siyaasadda xaadiritaanka: {title}',
  'policy.title': 'Siyaasadda xaadiritaanka',
  'policy.none': 'Iskuulkaagu wali halkan kuma soo dhigin siyaasadda xaadiritaanka.',
  'policy.translationNote':
    'Siyaasaddan waxay ku qoran tahay Ingiriis sababtoo ah iskuulku wali ma turjumin. Wac iskuulka haddii aad rabto in qof kuugu sharxo luqaddaada.',
  'policy.signer': 'Yaa saxiixaya?',
  'policy.agree': 'Waxaan akhriyay siyaasadda xaadiritaanka.',
  'policy.name': 'Qor magacaaga oo buuxa si aad u saxiixdo',
  'policy.sign': 'Saxiix',
  'policy.signed': 'Mahadsanid. Waad saxiixday siyaasadda xaadiritaanka.',
  'policy.signedOn': 'Waxaa saxiixay {name}, {date}.',
  'policy.error.agree': 'Calaamadee sanduuqa si aad u sheegto inaad akhriday siyaasadda.',
  'policy.error.name': 'Qor magacaaga oo buuxa si aad u saxiixdo.',
  'policy.error.changed': 'Siyaasaddu way is beddeshay intii aad akhrinaysay. Fadlan akhri nuqulka cusub.',

  'conference.title': 'La kulan iskuulka',
  'conference.intro':
    'Iskuulku wuxuu jecel yahay inuu kula kulmo si aad uga wada hadashaan {name}. Dooro waqti kugu habboon.',
  'conference.mode.in_person': 'Fool ka fool',
  'conference.mode.phone': 'Taleefan',
  'conference.mode.video': 'Wicitaan muuqaal ah',
  'conference.book': 'Qabso waqtigan',
  'conference.booked': 'Kulankaaga ku saabsan {name}: {when}, {mode}, iyo {host}.',
  'conference.bookedNotice': 'Mahadsanid. Kulankaaga waa la qabsaday.',
  'conference.gone': 'Waqtigaas lama heli karo hadda. Fadlan dooro mid kale.',

  'help.resourcesTitle': 'Caawimaad kuu dhow',
  'help.resourcesIntro': 'Inta aad sugayso in iskuulku ku soo waco, adeegyadan ayaa ku caawin kara:',
  'help.call': 'Wac {phone}',
  'help.website': 'Bogga internetka',

  'report.photo': 'Sawir warqad (ikhtiyaari)',
  'report.photoHint': 'Tusaale ahaan warqad dhakhtar: sawir ama PDF, ugu badnaan 5 MB.',
  'report.error.photo': 'Sawirku waa inuu noqdaa sawir (JPEG, PNG, WEBP ama HEIC) ama PDF, ugu badnaan 5 MB.',

  'settings.newsChannel': 'Iyo wararka kale (soo koobid, war wanaagsan, casuumaad)?',
  'settings.newsChannel.same': 'Isla habkaas',

  'voice.unknown': 'Ma helin lambarkan taleefanka. Fadlan wac xafiiska iskuulka.',
  'voice.chooseChild': 'Ardayga {name}, riix {digit}.',
  'voice.menu':
    'Riix 1 haddii ardayga {name} uu maanta jiran yahay. Riix 2 haddii ardayga {name} uusan maanta iman sabab kale awgeed. Riix 3 haddii ardayga {name} uusan berri iman. Riix 4 haddii aad u baahan tahay caawimaad iskuulka.',
  'voice.thanks': 'Mahadsanid. Waxaan u sheegnay iskuulka. Nabad gelyo.',
  'voice.invalid': 'Waan ka xunnahay, taasi ma aha mid ka mid ah doorashooyinka.',

  'settings.title': 'Dejinta',
  'settings.language': 'Luqadda fariimaha iyo boggan',
  'settings.channel': 'Sidee ayuu iskuulku marka hore kuula soo xiriiraa?',
  'settings.channel.sms': 'Fariin qoraal ah',
  'settings.channel.voice': 'Wicitaan taleefan (fariinta waa la akhriyaa)',
  'settings.channel.email': 'Iimayl',
  'settings.quiet': 'Waqtiga ugu fiican ee lagula soo xiriiro',
  'settings.quietFrom': 'Laga bilaabo',
  'settings.quietTo': 'Ilaa',
  'settings.quietHint':
    'Ka tag madhan haddii waqti kasta oo u dhexeeya 8da subaxnimo iyo 9ka habeennimo kuu fiican yahay.',
  'settings.consent': 'Fariimaha aad hesho',
  'settings.consent.sms': 'Fariimaha qoraalka ah',
  'settings.consent.voice': 'Wicitaannada taleefanka',
  'settings.consent.email': 'Iimaylada',
  'settings.consentHint':
    'Ka saar calaamadda si aad u joojiso nooca fariintaas. Halkan ayaad dib uga shidi kartaa waqti kasta.',
  'settings.routing': 'Fariimaha ku saabsan ilmo kasta',
  'settings.routingHint':
    'Haddii guri kale uu sidoo kale helo fariimo ku saabsan ilmo, waxaad dooran kartaa kuwa adiga kuu imanaya.',
  'settings.routing.alerts': 'Digniinaha xaadiritaanka isla maalinta ee ku saabsan {name}',
  'settings.routing.other': 'War kale oo ku saabsan {name} (soo koobid, war wanaagsan, martiqaad)',
  'settings.save': 'Kaydi',
  'settings.saved': 'Dejintaada waa la kaydiyay.',
  'settings.error.quiet': 'Sheeg labada waqti, ama midna ha sheegin.',

  'error.title': 'Wax baa khaldamay',
  'error.notFound': 'Ma aanan helin boggaas.',
  'error.notAllowed': 'Ma arki kartid boggan.',
  'error.back': 'Ku noqo carruurtayda',
  'error.tooLong': 'Fariintaadu aad bay u dheer tahay: fadlan ka yaree 1000 xaraf.',
} as const satisfies Record<FamilyMessageKey, string>;
