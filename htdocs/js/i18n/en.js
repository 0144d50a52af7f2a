// en.js — the screens' words in English (the reference catalogue; see ../i18n.js).
export default {
	// the header
	'header.language': 'Language',
	'nav.followups': 'Follow-ups',

	// the receipt (in the patient's language)
	'receipt.title': 'Receipt',
	'receipt.no': 'Receipt no.',
	'receipt.date': 'Date',
	'receipt.patient': 'Patient',
	'receipt.clinic_no': 'No. {n}',
	'receipt.amount': 'Amount',
	'receipt.paid_by': 'Paid by',
	'receipt.for': 'For',
	'receipt.received_by': 'Received by',
	'receipt.upi_scan': 'Scan to pay with any UPI app',
	'receipt.item': 'Item',
	'receipt.total': 'Total',
	'receipt.void': 'VOID',
	'receipt.voided': 'Voided {when} by {who}: {reason}',
	'mode.cash': 'Cash',
	'mode.upi': 'UPI',
	'mode.card': 'Card',

	// the prescription (the dosing column, in the patient's language beside English)
	'rx.how_to_take': 'How to take',

	// follow-ups
	'followups.title': 'Follow-ups',
	'followups.today': 'Today',
	'followups.tomorrow': 'Tomorrow',
	'followups.week': 'Later this week',
	'followups.none': 'No one is due.',
	'followups.call': 'Call',
	'followups.whatsapp': 'WhatsApp',
	'followups.no_phone': 'No phone number',
	'followups.landline': 'Landline: no WhatsApp',
	'followups.due': 'Review on {date}',
	'followups.lang': 'Message in {lang}',
	'followups.hint': 'The WhatsApp link opens a reminder in the patient\'s language; nothing is sent until you press send.',

	// patients and users: the language field
	'field.patient_language': 'Reads',
	'field.user_language': 'Language',
	'settings.upi_vpa': 'UPI ID for receipts',
	'settings.upi_vpa_hint': 'e.g. clinic@okaxis. Receipts then carry a QR code for the amount.',
};
