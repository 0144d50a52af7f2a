// hi.js — the screens' words in Hindi, as a Hindi-speaking receptionist would write them.
export default {
	'header.language': 'भाषा',
	'nav.followups': 'फ़ॉलो-अप',

	'receipt.title': 'रसीद',
	'receipt.no': 'रसीद नं.',
	'receipt.date': 'तारीख',
	'receipt.patient': 'मरीज़',
	'receipt.clinic_no': 'नं. {n}',
	'receipt.amount': 'राशि',
	'receipt.paid_by': 'भुगतान का तरीका',
	'receipt.for': 'किस लिए',
	'receipt.received_by': 'प्राप्तकर्ता',
	'receipt.upi_scan': 'किसी भी UPI ऐप से स्कैन करके भुगतान करें',
	'mode.cash': 'नकद',
	'mode.upi': 'UPI',
	'mode.card': 'कार्ड',

	'rx.how_to_take': 'दवा कैसे लें',

	'followups.title': 'दोबारा दिखाने वाले मरीज़',
	'followups.today': 'आज',
	'followups.tomorrow': 'कल',
	'followups.week': 'इस हफ़्ते',
	'followups.none': 'कोई नहीं।',
	'followups.call': 'फ़ोन करें',
	'followups.whatsapp': 'WhatsApp',
	'followups.no_phone': 'फ़ोन नंबर नहीं',
	'followups.landline': 'लैंडलाइन: WhatsApp नहीं',
	'followups.due': 'दोबारा जाँच: {date}',
	'followups.lang': 'संदेश: {lang}',
	'followups.hint': 'WhatsApp लिंक मरीज़ की भाषा में याद दिलाने वाला संदेश खोलता है; आप भेजें दबाएँ तभी जाता है।',

	'field.patient_language': 'पढ़ने की भाषा',
	'field.user_language': 'भाषा',
	'settings.upi_vpa': 'रसीद के लिए UPI ID',
	'settings.upi_vpa_hint': 'जैसे clinic@okaxis. तब रसीद पर राशि का QR कोड छपेगा।',
};
