/**
 * French templates ("vous"). Sentences are built so that nothing depends on the child's
 * gender ("a manqué", "a été à l'école", "est malade"). In ICU an apostrophe right before
 * a brace starts a quotation, so no apostrophe here is ever followed by "{".
 */
import type { Catalogue } from '../templates.ts';

const byMonth =
  "{yearEndMonth, select, 1 {janvier} 2 {février} 3 {mars} 4 {avril} 5 {mai} 6 {juin} 7 {juillet} 8 {août} 9 {septembre} 10 {octobre} 11 {novembre} 12 {décembre} other {la fin de l'année scolaire}}";

const days = (name: string): string => `{${name}, plural, one {# jour} other {# jours}}`;

export const fr: Catalogue = {
  same_day_check_in: {
    body: "Nous n'avons pas vu {childName} à {schoolName} aujourd'hui. Tout va bien ? Répondez-nous pour nous le dire, ou dites-nous comment nous pouvons aider. - {staffName}",
    emailSubject: "Nous n'avons pas vu {childName} à l'école aujourd'hui",
  },
  real_number: {
    body: `Depuis le début de l'année, {childName} a manqué ${days('daysMissed')} d'école. À ce rythme, {childName} aura manqué environ ${days('projectedDays')} d'ici ${byMonth}. Chaque jour compte, et nous sommes là pour vous aider. Répondez-nous pour en parler. - {staffName}, {schoolName}`,
    emailSubject: "Les jours d'école de {childName} cette année",
  },
  improvement_celebration: {
    body: "Bonne nouvelle ! {childName} vient plus souvent à l'école ces derniers temps. Merci pour tout ce que vous faites pour y arriver. Nous encourageons {childName} de tout cœur ! - {staffName}, {schoolName}",
    emailSubject: 'Bonne nouvelle au sujet de {childName}',
  },
  weekly_summary: {
    body: `Cette semaine, {childName} a été à l'école ${days('daysAttended')} sur {daysScheduled, number}. Merci pour tout ce que vous faites. Si quelque chose rend l'école difficile en ce moment, répondez-nous et nous vous aiderons. - {staffName}, {schoolName}`,
    emailSubject: "La semaine de {childName} à l'école",
  },
  monthly_summary: {
    body: `Ce mois-ci, {childName} a été à l'école ${days('daysAttended')} sur {daysScheduled, number}. Depuis le début de l'année, {childName} a manqué ${days('daysMissed')}. Chaque jour compte. Si nous pouvons vous aider, répondez simplement à ce message. - {staffName}, {schoolName}`,
    emailSubject: "Le mois de {childName} à l'école",
  },
  conference_invitation: {
    body: 'Nous aimerions vous rencontrer pour parler de {childName} et de la façon dont nous pouvons aider. Ce moment vous conviendrait-il : {slotText} ? Nous pouvons nous voir sur place ou par téléphone, avec un interprète si vous le souhaitez. Répondez pour confirmer ou pour proposer un autre moment. - {staffName}, {schoolName}',
    emailSubject: 'Pouvons-nous nous rencontrer au sujet de {childName} ?',
  },
  conference_reminder: {
    body: 'Petit rappel de notre rendez-vous au sujet de {childName} : {slotText}. Nous avons hâte de vous voir. Si ce moment ne vous convient plus, répondez et nous en trouverons un autre. - {staffName}, {schoolName}',
    emailSubject: 'Rappel : notre rendez-vous au sujet de {childName}',
  },
  survey_invitation: {
    body: "Petite question de {schoolName} : de 1 à 10, comment se passe l'école pour {childName} ? Répondez avec un nombre. Vous pouvez aussi nous en dire plus. - {staffName}",
    emailSubject: "Comment se passe l'école pour {childName} ?",
  },
  no_answer_follow_up: {
    body: 'Bonjour, ici {schoolName}. Nous essayons de vous joindre au sujet de {childName} et voulons nous assurer que tout va bien. Répondez ici ou appelez-nous au {schoolPhone} quand cela vous convient. Nous sommes là pour vous aider. - {staffName}',
    emailSubject: 'Nous prenons des nouvelles de {childName}',
  },
  statutory_notice: {
    body: `Chère famille de {childName},

Nous vous écrivons car {childName} a manqué {missedUnit, select, hours {{missedAmount, plural, one {# heure} other {# heures}}} other {${days('missedAmount')}}} d'école à {schoolName} cette année. La loi de l'État nous demande d'envoyer cette lettre quand un élève manque autant l'école.

Nous savons qu'il peut y avoir beaucoup de raisons. Nous voulons travailler avec vous pour que {childName} puisse venir à l'école chaque jour.

Voici ce que vous pouvez faire :
1. Appelez {staffName} au {schoolPhone}, ou répondez à ce message.
2. Dites-nous ce qui rend difficile la venue à l'école. Nous pouvons aider pour le transport, la santé et plus encore.
3. Rencontrez-nous pour faire un plan ensemble.

Si vous pensez que ce nombre est faux, dites-le-nous.

Merci de travailler avec nous.
{staffName}, {schoolName}`,
    emailSubject: "Au sujet de l'assiduité de {childName}",
  },
  consent_confirmation: {
    body: "Bonjour de la part de l'équipe d'assiduité de {schoolName}. Nous vous enverrons des SMS sur l'assiduité de votre enfant et sur l'aide que nous pouvons apporter. Vous pouvez répondre à tout moment. Répondez HELP pour de l'aide ou STOP pour arrêter. Des frais de messages et de données peuvent s'appliquer.",
  },
  opt_out_confirmation: {
    body: 'Vous ne recevrez plus de SMS de {schoolName}. Répondez START pour les recevoir à nouveau.',
  },
  opt_in_confirmation: {
    body: "Bon retour ! Vous recevrez à nouveau les SMS de {schoolName} sur l'assiduité de votre enfant. Répondez HELP pour de l'aide ou STOP pour arrêter.",
  },
  help_reply: {
    body: "Ici l'équipe d'assiduité de {schoolName}. Nous sommes là pour vous aider : répondez ici ou appelez le {schoolPhone}. Répondez STOP pour ne plus recevoir de SMS.",
  },
  weekly_digest: {
    body: 'Les messages de la semaine de {schoolName} :',
    emailSubject: 'Les messages de la semaine de {schoolName}',
  },
  voice_keypad_prompt: {
    body: "Appuyez sur 1 si {childName} est à l'école aujourd'hui. Appuyez sur 2 pour nous dire que {childName} est malade. Appuyez sur 3 si vous avez besoin de l'aide de l'école. Appuyez sur 9 pour ne plus recevoir ces appels.",
  },
  sign_in_code: {
    body: "Votre code de connexion à Homeroom de {districtName} est {code}. Il expire dans 10 minutes. Ne le communiquez à personne. Si vous ne l'avez pas demandé, ignorez ce message.",
    emailSubject: 'Votre code de connexion ({districtName})',
  },
  sms_reply_menu: {
    body: "Répondez 1 si {childName} est à l'école, 2 si {childName} est malade, ou 3 si vous avez besoin de l'aide de l'école.",
  },
  portal_link: {
    body: 'Voyez comment va votre enfant, signalez-nous une absence ou écrivez-nous sur votre page famille (ce lien fonctionne une seule fois, pendant 7 jours) : {link}',
  },
};
