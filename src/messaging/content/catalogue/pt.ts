/**
 * Portuguese templates (Brazilian Portuguese, "você"). CLDR counts 0 and 1 as "one" in
 * Portuguese, so "0 dia" is the expected form.
 */
import type { Catalogue } from '../templates.ts';

const byMonth =
  '{yearEndMonth, select, 1 {janeiro} 2 {fevereiro} 3 {março} 4 {abril} 5 {maio} 6 {junho} 7 {julho} 8 {agosto} 9 {setembro} 10 {outubro} 11 {novembro} 12 {dezembro} other {o fim do ano letivo}}';

const days = (name: string): string => `{${name}, plural, one {# dia} other {# dias}}`;

export const pt: Catalogue = {
  same_day_check_in: {
    body: 'Sentimos falta de {childName} hoje na {schoolName}. Está tudo bem? Responda para nos contar ou diga como podemos ajudar. - {staffName}',
    emailSubject: 'Sentimos falta de {childName} na escola hoje',
  },
  real_number: {
    body: `Neste ano letivo, {childName} já faltou ${days('daysMissed')} de aula. Nesse ritmo, {childName} vai faltar cerca de ${days('projectedDays')} até ${byMonth}. Cada dia conta, e estamos aqui para ajudar. Responda para conversar com a gente. - {staffName}, {schoolName}`,
    emailSubject: 'Os dias de aula de {childName} neste ano',
  },
  improvement_celebration: {
    body: 'Boas notícias! {childName} tem vindo à escola com mais frequência. Obrigado por tudo o que você faz para isso acontecer. Estamos torcendo por {childName}! - {staffName}, {schoolName}',
    emailSubject: 'Boas notícias sobre {childName}',
  },
  weekly_summary: {
    body: `Nesta semana, {childName} foi à escola em {daysAttended, number} de ${days('daysScheduled')}. Obrigado por tudo o que você faz. Se algo está dificultando a ida à escola, responda e vamos ajudar. - {staffName}, {schoolName}`,
    emailSubject: 'A semana de {childName} na escola',
  },
  monthly_summary: {
    body: `Neste mês, {childName} foi à escola em {daysAttended, number} de ${days('daysScheduled')}. Neste ano letivo, {childName} já faltou ${days('daysMissed')}. Cada dia conta. Se pudermos ajudar em algo, é só responder. - {staffName}, {schoolName}`,
    emailSubject: 'O mês de {childName} na escola',
  },
  conference_invitation: {
    body: 'Gostaríamos de conversar com você sobre como {childName} está indo e como podemos ajudar. Podemos marcar para {slotText}? Podemos nos encontrar pessoalmente ou por telefone, com intérprete se você preferir. Responda para confirmar ou pedir outro horário. - {staffName}, {schoolName}',
    emailSubject: 'Podemos conversar sobre {childName}?',
  },
  conference_reminder: {
    body: 'Lembrete da nossa reunião sobre {childName}: {slotText}. Esperamos você! Se o horário não der mais certo, é só responder e marcamos outro. - {staffName}, {schoolName}',
    emailSubject: 'Lembrete: nossa reunião sobre {childName}',
  },
  survey_invitation: {
    body: 'Uma pergunta rápida da {schoolName}: de 1 a 10, como está a escola para {childName}? Responda com um número. Se quiser, conte mais para a gente. - {staffName}',
    emailSubject: 'Como está a escola para {childName}?',
  },
  no_answer_follow_up: {
    body: 'Olá, aqui é da {schoolName}. Estamos tentando falar com você sobre {childName} e queremos saber se está tudo bem. Responda aqui ou ligue para {schoolPhone} quando puder. Estamos aqui para ajudar. - {staffName}',
    emailSubject: 'Queremos saber como {childName} está',
  },
  statutory_notice: {
    body: `Prezada família de {childName},

Estamos escrevendo porque {childName} faltou {missedUnit, select, hours {{missedAmount, plural, one {# hora} other {# horas}}} other {${days('missedAmount')}}} de aula na {schoolName} neste ano. A lei estadual pede que a escola envie esta carta quando um aluno falta tanto.

Sabemos que pode haver muitos motivos. Queremos trabalhar com você para que {childName} possa ir à escola todos os dias.

Veja o que você pode fazer:
1. Ligue para {staffName} no número {schoolPhone} ou responda a esta mensagem.
2. Conte para nós o que dificulta a ida à escola. Podemos ajudar com transporte, saúde e muito mais.
3. Reúna-se conosco para fazermos um plano juntos.

Se você acha que este número está errado, avise-nos.

Obrigado por trabalhar conosco.
{staffName}, {schoolName}`,
    emailSubject: 'Sobre a frequência escolar de {childName}',
  },
  consent_confirmation: {
    body: 'Olá! Aqui é a equipe de frequência da {schoolName}. Vamos enviar mensagens sobre a frequência do seu filho ou filha e sobre como podemos ajudar. Responda quando quiser. Responda HELP para ajuda ou STOP para parar. Podem ser cobradas tarifas de mensagens e dados.',
  },
  opt_out_confirmation: {
    body: 'Você não receberá mais mensagens da {schoolName}. Responda START para voltar a recebê-las.',
  },
  opt_in_confirmation: {
    body: 'Que bom ter você de volta! Você voltará a receber mensagens da {schoolName} sobre a frequência do seu filho ou filha. Responda HELP para ajuda ou STOP para parar.',
  },
  help_reply: {
    body: 'Aqui é a equipe de frequência da {schoolName}. Estamos aqui para ajudar: responda aqui ou ligue para {schoolPhone}. Responda STOP para parar de receber mensagens.',
  },
  weekly_digest: {
    body: 'As mensagens desta semana de {schoolName}:',
    emailSubject: 'As mensagens desta semana de {schoolName}',
  },
  voice_keypad_prompt: {
    body: 'Aperte 1 se {childName} está na escola hoje. Aperte 2 para nos avisar que {childName} está doente. Aperte 3 se precisar de ajuda da escola. Aperte 9 para não receber mais estas ligações.',
  },
  sign_in_code: {
    body: 'Seu código de acesso ao Homeroom de {districtName} é {code}. Ele expira em 10 minutos. Não o compartilhe. Se você não pediu, ignore esta mensagem.',
    emailSubject: 'Seu código de acesso ({districtName})',
  },
  sms_reply_menu: {
    body: 'Responda 1 se {childName} está na escola, 2 se {childName} está doente, ou 3 se precisar de ajuda da escola.',
  },
  portal_link: {
    body: 'Veja como seu filho ou filha está, avise-nos sobre uma falta ou escreva para nós na sua página da família (este link funciona uma vez, por 7 dias): {link}',
  },
};
