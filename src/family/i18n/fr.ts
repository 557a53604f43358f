/**
 * The family portal in French ("vous", as the message templates). Sentences are built so that
 * nothing depends on the child's or the parent's gender ("{name} a manqué", "Absence", "Votre
 * session est fermée"). Whole numbers from 0 to 1000 are "one" (0 and 1) or "other" in CLDR's
 * French rules ("many" is for millions), so plurals have those two. In ICU an apostrophe right
 * before a brace starts a quotation, so no apostrophe here is ever followed by "{".
 */
import type { FamilyMessageKey } from './en.ts';

export const fr = {
  'app.name': 'Homeroom',
  'app.skip': 'Aller au contenu',
  'nav.label': 'Menu de la famille',
  'nav.children': 'Mes enfants',
  'nav.messages': 'Messages',
  'nav.help': "Demander de l'aide",
  'nav.settings': 'Paramètres',
  'nav.signOut': 'Se déconnecter',
  'language.label': 'Langue',
  'language.change': 'Changer',

  'signIn.title': 'Connexion',
  'signIn.intro':
    "Voyez comment se passe l'école pour votre enfant, prévenez l'école d'une absence ou demandez de l'aide. Nous allons envoyer un code à un numéro de téléphone ou à une adresse e-mail que l'école a pour vous.",
  'signIn.address': 'Numéro de téléphone portable ou adresse e-mail',
  'signIn.addressHint': 'Par exemple 555-010-2030 ou nom@example.com',
  'signIn.district': 'District scolaire',
  'signIn.remember': "C'est mon propre téléphone ou ordinateur : garder ma session ouverte",
  'signIn.send': "M'envoyer un code",
  'signIn.codeTitle': 'Entrez votre code',
  'signIn.codeIntro':
    "Si l'école a ce numéro ou cette adresse e-mail, nous venons d'y envoyer un code à 6 chiffres. Il est valable 10 minutes. Si vous recevez un appel, le code est lu à voix haute.",
  'signIn.code': 'Code à 6 chiffres',
  'signIn.verify': 'Se connecter',
  'signIn.again': 'Demander un nouveau code',
  'signIn.notOnFile':
    "Pas de code ? L'école a peut-être un autre numéro ou une autre adresse e-mail pour vous. Appelez le secrétariat de l'école pour les mettre à jour.",
  'signIn.error.address':
    'Entrez un numéro de téléphone portable (comme 555-010-2030) ou une adresse e-mail.',
  'signIn.error.tooMany':
    'Trop de codes ont été demandés. Attendez {minutes, plural, one {# minute} other {# minutes}} et réessayez.',
  'signIn.error.wrongCode':
    "Ce code n'est pas le bon. Vous pouvez encore essayer {left, plural, one {# fois} other {# fois}}.",
  'signIn.error.deadCode': "Ce code n'est pas le bon ou a expiré. Demandez un nouveau code.",
  'signIn.error.ended': 'Votre session a été fermée. Merci de vous reconnecter.',
  'signIn.error.district': 'Choisissez votre district scolaire.',
  'signIn.linkExpired': 'Ce lien a déjà servi ou a expiré. Nous pouvons vous envoyer un code à la place.',
  'link.title': 'Ouvrir votre page famille',
  'link.intro': "Ce lien de l'école ouvre votre page famille. Il ne fonctionne qu'une fois.",
  'link.continue': 'Continuer',
  signedOut: 'Votre session est fermée.',

  'home.title': 'Mes enfants',
  'home.hello': 'Bonjour, {name}',
  'home.none':
    "Nous n'avons trouvé aucun enfant associé à vos coordonnées. Appelez le secrétariat de l'école : il peut vérifier votre numéro de téléphone ou votre adresse e-mail.",
  'home.seeMore': "Voir l'assiduité de {name}",
  'home.report': 'Signaler une absence de {name}',

  'child.missed':
    "Depuis le début de l'année, {name} {days, plural, =0 {n'a manqué aucun jour} one {a manqué # jour} other {a manqué # jours}} d'école.",
  'child.missedHalf':
    "Depuis le début de l'année, {name} a manqué {days} jours d'école (une demi-journée compte pour moitié).",
  'child.pace':
    "À ce rythme, {name} aura manqué environ {projected, plural, one {# jour} other {# jours}} d'ici la fin de l'année scolaire.",
  'child.status.satisfactory':
    "C'est une très bonne année jusqu'ici. Merci d'aider {name} à venir à l'école !",
  'child.status.at_risk':
    "Chaque jour compte. Manquer 18 jours ou plus dans l'année (10 %) rend l'apprentissage beaucoup plus difficile. Nous sommes là pour vous aider.",
  'child.status.chronic':
    "Cela fait beaucoup d'apprentissage manqué. Nous voulons vous aider : dites-nous ce qui rend l'école difficile.",
  'child.improving':
    "Bonne nouvelle : {name} vient plus souvent à l'école ces derniers temps. Continuez comme ça !",
  'child.school': '{school}, niveau {grade}',
  'child.noFigures': "Il n'y a pas encore de présences enregistrées pour {name} cette année scolaire.",
  'child.rate': "Présence à l'école : {rate} des jours de classe",
  'child.trajectory': "L'assiduité de {name} cette année",
  'child.trajectoryLine': "La ligne des 90 % est l'objectif : en dessous, un enfant manque trop l'école.",
  'child.trajectoryTable': 'Assiduité par date',
  'child.trajectoryDate': 'Date',
  'child.trajectoryRate': "Présence à l'école",
  'child.calendar': 'Calendrier',
  'child.calendarLegend': 'Légende',
  'child.day.present': "À l'école",
  'child.day.absent': 'Absence',
  'child.day.excused': 'Absence (justifiée)',
  'child.day.partial': 'Une partie de la journée',
  'child.day.tardy': 'Retard',
  'child.day.noSchool': "Pas d'école",
  'child.day.future': 'Pas encore',
  'child.previousMonth': 'Mois précédent',
  'child.nextMonth': 'Mois suivant',
  'child.recent': 'Absences récentes',
  'child.recentNone': "Aucune absence cette année pour l'instant.",
  'child.reason': 'Motif : {reason}',
  'child.reasonUnknown': 'Pas encore de motif',
  'child.report': 'Signaler une absence ou un retard',
  'child.atSchool': "{name} est à l'école",

  'reason.illness': 'Maladie',
  'reason.medical': 'Médecin ou dentiste',
  'reason.family': 'Raison familiale ou urgence',
  'reason.transport': "Pas de moyen d'aller à l'école",
  'reason.religious': 'Fête religieuse',
  'reason.bereavement': 'Un décès dans la famille',
  'reason.suspension': 'Exclusion temporaire',
  'reason.school_activity': 'Activité scolaire',
  'reason.weather': 'Mauvais temps',
  'reason.housing': 'Logement',
  'reason.caregiving': "S'occuper d'un proche",
  'reason.vacation': 'Voyage',
  'reason.unknown': 'Inconnu',
  'reason.other': 'Autre',

  'report.title': "Prévenir l'école d'une absence",
  'report.for': 'Pour {name}',
  'report.kind': 'Que se passe-t-il ?',
  'report.kind.absent': 'Absence toute la journée',
  'report.kind.late': 'Arrivée en retard',
  'report.kind.early': 'Départ plus tôt',
  'report.date': 'Date',
  'report.until': "Dernier jour (si plus d'un jour)",
  'report.time': 'Vers quelle heure ? (pour un retard ou un départ plus tôt)',
  'report.reason': 'Pourquoi ?',
  'report.barrier': "Est-ce que quelque chose rend l'école difficile en ce moment ? (facultatif)",
  'report.barrier.none': 'Non',
  'report.note': "Autre chose que l'école devrait savoir ? (facultatif)",
  'report.send': "Envoyer à l'école",
  'report.sent': "Merci. Nous avons prévenu l'école au sujet de {name}.",
  'report.error.date': "Choisissez une date entre aujourd'hui et dans 60 jours.",
  'report.error.until':
    'Le dernier jour doit être le même que le premier ou après, et au plus 3 semaines plus tard.',
  'report.error.dateFormat': 'Écrivez la date sous la forme année-mois-jour, par exemple {example}.',

  'barrier.transportation': "Aller à l'école (bus, voiture, distance)",
  'barrier.health': 'Santé (asthme, maladie, santé mentale)',
  'barrier.housing': "Logement (déménagement, vivre chez d'autres personnes)",
  'barrier.childcare': "S'occuper de jeunes enfants ou de la famille",
  'barrier.work': 'Horaires de travail',
  'barrier.school_climate': "Quelque chose à l'école (harcèlement, ne pas se sentir en sécurité)",
  'barrier.basic_needs': 'Nourriture, vêtements, lessive ou fournitures scolaires',
  'barrier.other': 'Autre chose',

  'messages.title': 'Messages',
  'messages.intro':
    "Les messages entre vous et l'école. Écrivez dans la langue de votre choix : l'école le lira.",
  'messages.none': 'Pas encore de messages.',
  'messages.fromSchool': "De l'école",
  'messages.fromYou': 'De vous',
  'messages.write': "Écrire à l'école",
  'messages.about': 'Au sujet de',
  'messages.text': 'Votre message',
  'messages.send': 'Envoyer',
  'messages.sent': "Votre message a été envoyé. L'école répondra ici ou par SMS.",
  'messages.error.empty': "Écrivez d'abord un message.",
  'messages.error.long': 'Votre message est trop long : il doit faire moins de 1000 caractères.',

  'help.title': "Demander de l'aide",
  'help.intro':
    "Beaucoup de familles ont quelque chose qui rend difficile d'aller à l'école. Vous n'êtes pas seuls, et ce n'est pas votre faute. Dites-nous ce qui vous aiderait, et une personne de l'école vous contactera.",
  'help.barrier': "Qu'est-ce qui vous aiderait ?",
  'help.note': 'Dites-nous-en plus (facultatif)',
  'help.for': 'Pour quel enfant ?',
  'help.send': "Demander de l'aide",
  'help.sent': "Merci. Une personne de l'école vous contactera bientôt.",

  'child.survey': "Dites-nous comment se passe l'école pour {name}",
  'survey.title': "Comment se passe l'école ?",
  'survey.intro':
    "Vos réponses aident l'équipe de l'école à comprendre ce qui convient à votre famille. Toutes les questions sont facultatives.",
  'survey.score': "De 1 à 10, comment se passe l'école pour {name} ?",
  'survey.scoreHint': '1 veut dire très mal, 10 veut dire très bien.',
  'survey.going_well': "Qu'est-ce qui se passe bien ?",
  'survey.hard': "Qu'est-ce qui complique la venue de {name} à l'école ?",
  'survey.help': "Que pourrait faire l'école pour aider ?",
  'survey.send': 'Envoyer mes réponses',
  'survey.sent': 'Merci de nous avoir répondu.',
  'survey.error.score': 'Choisissez un nombre de 1 à 10.',
  'survey.error.empty': 'Choisissez un nombre de 1 à 10, ou répondez à une question.',

  'home.policy': "Merci de lire et de signer le règlement sur l'assiduité : {title}",
  'policy.title': "Règlement sur l'assiduité",
  'policy.none': "Votre école n'a pas encore publié de règlement sur l'assiduité ici.",
  'policy.translationNote':
    "Ce règlement est en anglais, car l'école ne l'a pas encore traduit. Appelez l'école si vous voulez qu'on vous l'explique dans votre langue.",
  'policy.signer': 'Qui signe ?',
  'policy.agree': "J'ai lu le règlement sur l'assiduité.",
  'policy.name': 'Tapez votre nom complet pour signer',
  'policy.sign': 'Signer',
  'policy.signed': "Merci. Vous avez signé le règlement sur l'assiduité.",
  'policy.signedOn': 'Signé par {name} le {date}.',
  'policy.error.agree': 'Cochez la case pour dire que vous avez lu le règlement.',
  'policy.error.name': 'Tapez votre nom complet pour signer.',
  'policy.error.changed': 'Le règlement a changé pendant votre lecture. Merci de lire la nouvelle version.',

  'conference.title': "Rencontrer l'école",
  'conference.intro':
    "L'école aimerait vous rencontrer pour parler de {name}. Choisissez un moment qui vous convient.",
  'conference.mode.in_person': 'En personne',
  'conference.mode.phone': 'Par téléphone',
  'conference.mode.video': 'Par appel vidéo',
  'conference.book': 'Réserver ce créneau',
  'conference.booked': 'Votre rendez-vous au sujet de {name} : {when}, {mode}, avec {host}.',
  'conference.bookedNotice': 'Merci. Votre rendez-vous est réservé.',
  'conference.gone': "Ce créneau n'est plus disponible. Veuillez en choisir un autre.",

  'help.resourcesTitle': 'De l’aide près de chez vous',
  'help.resourcesIntro': "En attendant l'appel de l'école, ces services peuvent vous aider :",
  'help.call': 'Appeler le {phone}',
  'help.website': 'Site web',

  'report.photo': "Une photo d'un mot (facultatif)",
  'report.photoHint': 'Par exemple un certificat médical : une photo ou un PDF, de 5 Mo au plus.',
  'report.error.photo': 'La photo doit être une image (JPEG, PNG, WEBP ou HEIC) ou un PDF, de 5 Mo au plus.',

  'settings.newsChannel': 'Et pour les autres nouvelles (bilans, bonnes nouvelles, invitations) ?',
  'settings.newsChannel.same': 'De la même façon',

  'voice.unknown':
    "Nous n'avons pas trouvé ce numéro de téléphone. Veuillez appeler le secrétariat de l'école.",
  'voice.chooseChild': 'Pour {name}, appuyez sur {digit}.',
  'voice.menu':
    "Appuyez sur 1 si {name} est malade aujourd'hui. Appuyez sur 2 si {name} sera absent aujourd'hui pour une autre raison. Appuyez sur 3 si {name} sera absent demain. Appuyez sur 4 si vous avez besoin de l'aide de l'école.",
  'voice.thanks': "Merci. Nous avons prévenu l'école. Au revoir.",
  'voice.invalid': "Désolé, ce n'est pas l'un des choix.",

  'settings.title': 'Paramètres',
  'settings.language': 'Langue des messages et de ce site',
  'settings.channel': "Comment l'école doit-elle vous joindre en priorité ?",
  'settings.channel.sms': 'SMS',
  'settings.channel.voice': 'Appel téléphonique (le message est lu à voix haute)',
  'settings.channel.email': 'E-mail',
  'settings.quiet': 'Le meilleur moment pour vous joindre',
  'settings.quietFrom': 'De',
  'settings.quietTo': 'À',
  'settings.quietHint': "Laissez vide pour n'importe quelle heure entre 8 h et 21 h.",
  'settings.consent': 'Les messages que vous recevez',
  'settings.consent.sms': 'SMS',
  'settings.consent.voice': 'Appels téléphoniques',
  'settings.consent.email': 'E-mails',
  'settings.consentHint':
    'Décochez pour arrêter ce type de message. Vous pouvez le réactiver ici à tout moment.',
  'settings.routing': 'Les messages au sujet de chaque enfant',
  'settings.routingHint':
    "Si un autre foyer reçoit aussi des messages au sujet d'un enfant, vous pouvez choisir ceux que vous recevez.",
  'settings.routing.alerts': 'Alertes de présence du jour au sujet de {name}',
  'settings.routing.other': 'Autres nouvelles au sujet de {name} (bilans, bonnes nouvelles, invitations)',
  'settings.save': 'Enregistrer',
  'settings.saved': 'Vos paramètres ont été enregistrés.',
  'settings.error.quiet': 'Indiquez les deux heures, ou aucune.',

  'error.title': 'Quelque chose ne va pas',
  'error.notFound': "Nous n'avons pas trouvé cette page.",
  'error.notAllowed': 'Vous ne pouvez pas voir cette page.',
  'error.back': 'Retour à mes enfants',
  'error.tooLong': 'Votre message est trop long : il doit faire moins de 1000 caractères.',
} as const satisfies Record<FamilyMessageKey, string>;
