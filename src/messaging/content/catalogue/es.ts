/**
 * Spanish templates (neutral Latin American Spanish, "usted"). Avoids "debe" and other
 * commands the tone check flags; the STOP/START/HELP keywords stay in English.
 */
import type { Catalogue } from '../templates.ts';

const byMonth =
  '{yearEndMonth, select, 1 {enero} 2 {febrero} 3 {marzo} 4 {abril} 5 {mayo} 6 {junio} 7 {julio} 8 {agosto} 9 {septiembre} 10 {octubre} 11 {noviembre} 12 {diciembre} other {el final del año escolar}}';

const days = (name: string): string => `{${name}, plural, one {# día} other {# días}}`;

export const es: Catalogue = {
  same_day_check_in: {
    body: 'Hoy extrañamos a {childName} en {schoolName}. ¿Está todo bien? Responda para contarnos o díganos cómo podemos ayudar. - {staffName}',
    emailSubject: 'Hoy extrañamos a {childName} en la escuela',
  },
  real_number: {
    body: `En lo que va del año escolar, {childName} ha faltado ${days('daysMissed')} a la escuela. A este ritmo, {childName} faltará alrededor de ${days('projectedDays')} para ${byMonth}. Cada día cuenta y estamos aquí para ayudar. Responda para hablar con nosotros. - {staffName}, {schoolName}`,
    emailSubject: 'Los días de escuela de {childName} en lo que va del año',
  },
  improvement_celebration: {
    body: '¡Buenas noticias! Últimamente {childName} está viniendo a la escuela más seguido. Gracias por todo lo que hace para que eso sea posible. ¡Estamos muy contentos y seguimos apoyando a {childName}! - {staffName}, {schoolName}',
    emailSubject: 'Buenas noticias sobre {childName}',
  },
  weekly_summary: {
    body: `Esta semana {childName} asistió a la escuela {daysAttended, number} de ${days('daysScheduled')}. Gracias por todo lo que hace. Si algo está haciendo difícil ir a la escuela, responda y le ayudaremos. - {staffName}, {schoolName}`,
    emailSubject: 'La semana escolar de {childName}',
  },
  monthly_summary: {
    body: `Este mes {childName} asistió a la escuela {daysAttended, number} de ${days('daysScheduled')}. En lo que va del año, {childName} ha faltado ${days('daysMissed')}. Cada día cuenta. Si podemos ayudar en algo, solo responda. - {staffName}, {schoolName}`,
    emailSubject: 'El mes escolar de {childName}',
  },
  conference_invitation: {
    body: 'Nos gustaría reunirnos con usted para hablar de cómo le va a {childName} y cómo podemos ayudar. ¿Le queda bien {slotText}? Podemos reunirnos en persona o por teléfono, con intérprete si lo desea. Responda para confirmar o para pedir otro horario. - {staffName}, {schoolName}',
    emailSubject: '¿Podemos reunirnos para hablar de {childName}?',
  },
  conference_reminder: {
    body: 'Le recordamos nuestra reunión sobre {childName}: {slotText}. Esperamos verle. Si ese horario ya no le funciona, responda y buscaremos otro. - {staffName}, {schoolName}',
    emailSubject: 'Recordatorio: nuestra reunión sobre {childName}',
  },
  survey_invitation: {
    body: 'Una pregunta rápida de {schoolName}: del 1 al 10, ¿cómo le va a {childName} en la escuela? Responda con un número. Si quiere, cuéntenos más. - {staffName}',
    emailSubject: '¿Cómo le va a {childName} en la escuela?',
  },
  no_answer_follow_up: {
    body: 'Hola, le escribimos de {schoolName}. Hemos intentado comunicarnos con usted sobre {childName} y queremos saber si todo está bien. Responda aquí o llámenos al {schoolPhone} cuando le sea posible. Estamos aquí para ayudar. - {staffName}',
    emailSubject: 'Seguimos pendientes de {childName}',
  },
  statutory_notice: {
    body: `Estimada familia de {childName}:

Le escribimos porque {childName} ha faltado {missedUnit, select, hours {{missedAmount, plural, one {# hora} other {# horas}}} other {${days('missedAmount')}}} a clases en {schoolName} este año. La ley estatal nos pide enviar esta carta cuando un estudiante falta tanto a la escuela.

Sabemos que puede haber muchas razones. Queremos trabajar con usted para que {childName} pueda ir a la escuela todos los días.

Esto es lo que usted puede hacer:
1. Llame a {staffName} al {schoolPhone} o responda a este mensaje.
2. Cuéntenos qué hace difícil llegar a la escuela. Podemos ayudar con transporte, salud y más.
3. Reúnase con nosotros para hacer un plan juntos.

Si cree que este número no es correcto, avísenos.

Gracias por trabajar con nosotros.
{staffName}, {schoolName}`,
    emailSubject: 'Sobre la asistencia escolar de {childName}',
  },
  consent_confirmation: {
    body: 'Hola, le escribe el equipo de asistencia de {schoolName}. Le enviaremos mensajes sobre la asistencia de su hijo o hija y cómo podemos ayudar. Puede responder cuando quiera. Responda HELP para obtener ayuda o STOP para no recibir más mensajes. Pueden aplicarse tarifas de mensajes y datos.',
  },
  opt_out_confirmation: {
    body: 'Ya no recibirá más mensajes de {schoolName}. Responda START para volver a recibirlos.',
  },
  opt_in_confirmation: {
    body: '¡Qué bueno tenerle de vuelta! Volverá a recibir mensajes de {schoolName} sobre la asistencia de su hijo o hija. Responda HELP para obtener ayuda o STOP para no recibirlos.',
  },
  help_reply: {
    body: 'Le escribe el equipo de asistencia de {schoolName}. Con gusto le ayudamos: responda aquí o llame al {schoolPhone}. Responda STOP para no recibir más mensajes.',
  },
  weekly_digest: {
    body: 'Los mensajes de esta semana de {schoolName}:',
    emailSubject: 'Los mensajes de esta semana de {schoolName}',
  },
  voice_keypad_prompt: {
    body: 'Marque 1 si {childName} está hoy en la escuela. Marque 2 si {childName} faltó por enfermedad. Marque 3 si necesita ayuda de la escuela. Marque 9 para dejar de recibir estas llamadas.',
  },
  sign_in_code: {
    body: 'Su código para entrar a Homeroom de {districtName} es {code}. Vence en 10 minutos. No lo comparta. Si usted no lo pidió, ignore este mensaje.',
    emailSubject: 'Su código para entrar: {districtName}',
  },
  sms_reply_menu: {
    body: 'Responda 1 si {childName} está en la escuela, 2 si {childName} está enfermo o enferma, o 3 si necesita ayuda de la escuela.',
  },
  portal_link: {
    body: 'Vea cómo le va a su hijo o hija, avísenos de una ausencia o escríbanos en su página familiar (este enlace sirve una sola vez, durante 7 días): {link}',
  },
};
