// ta.js — the screens' words in Tamil, as a Tamil-speaking receptionist would write them.
export default {
	'header.language': 'மொழி',
	'nav.followups': 'மறுபரிசோதனை',

	'receipt.title': 'ரசீது',
	'receipt.no': 'ரசீது எண்',
	'receipt.date': 'தேதி',
	'receipt.patient': 'நோயாளி',
	'receipt.clinic_no': 'எண் {n}',
	'receipt.amount': 'தொகை',
	'receipt.paid_by': 'செலுத்திய முறை',
	'receipt.for': 'எதற்காக',
	'receipt.received_by': 'பெற்றுக்கொண்டவர்',
	'receipt.upi_scan': 'எந்த UPI செயலியிலும் ஸ்கேன் செய்து செலுத்தலாம்',
	'mode.cash': 'ரொக்கம்',
	'mode.upi': 'UPI',
	'mode.card': 'கார்டு',

	'rx.how_to_take': 'சாப்பிடும் முறை',

	'followups.title': 'மறுபரிசோதனைக்கு வர வேண்டியவர்கள்',
	'followups.today': 'இன்று',
	'followups.tomorrow': 'நாளை',
	'followups.week': 'இந்த வாரம்',
	'followups.none': 'யாரும் இல்லை.',
	'followups.call': 'அழைக்க',
	'followups.whatsapp': 'WhatsApp',
	'followups.no_phone': 'தொலைபேசி எண் இல்லை',
	'followups.landline': 'லேண்ட்லைன்: WhatsApp இல்லை',
	'followups.due': 'மறுபரிசோதனை: {date}',
	'followups.lang': 'செய்தி: {lang}',
	'followups.hint': 'WhatsApp இணைப்பு நோயாளியின் மொழியில் நினைவூட்டலைத் திறக்கும்; நீங்கள் அனுப்பு அழுத்தும் வரை எதுவும் போகாது.',

	'field.patient_language': 'படிக்கும் மொழி',
	'field.user_language': 'மொழி',
	'settings.upi_vpa': 'ரசீதுக்கான UPI ID',
	'settings.upi_vpa_hint': 'உதா. clinic@okaxis. அப்போது ரசீதில் தொகைக்கான QR குறியீடு வரும்.',
};
