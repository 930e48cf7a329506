/**
 * The retrieval evaluation set: short help-centre documents of a fictional company (Lumora, a
 * note-taking app with a shop for its pens and tablets) and questions a customer would type, each
 * with the document that answers it. Written for Conclave; questions paraphrase the documents
 * rather than quote them, so a search has to match words loosely (stemming, partial overlap).
 */
export interface EvalDocument {
  id: string;
  title: string;
  body: string;
}

export interface EvalQuestion {
  question: string;
  expected: string;
}

export const DOCUMENTS: EvalDocument[] = [
  {
    id: 'refunds',
    title: 'Refund policy',
    body: 'You can request a refund within 30 days of purchase. Refunds are paid back to the original payment method within 5 to 10 business days. Subscriptions are refunded pro rata for the unused months.',
  },
  {
    id: 'returns',
    title: 'Returning hardware',
    body: 'Pens and tablets can be returned unused in their original packaging within 14 days of delivery. Print the prepaid return label from your order page and drop the parcel at any post office.',
  },
  {
    id: 'shipping-times',
    title: 'Delivery times',
    body: 'Orders leave our warehouse within one working day. Standard delivery takes 3 to 5 working days in Europe and 7 to 12 working days to the rest of the world. Express delivery arrives in 1 to 2 working days.',
  },
  {
    id: 'shipping-costs',
    title: 'Shipping costs',
    body: 'Standard shipping is free for orders over 50 euros. Below that it costs 4.90 euros. Express shipping costs 12 euros regardless of the order value.',
  },
  {
    id: 'tracking',
    title: 'Tracking your parcel',
    body: 'As soon as your parcel is handed to the courier we email you a tracking number. You can also find it under Orders in your account. Tracking updates may take 24 hours to appear.',
  },
  {
    id: 'customs',
    title: 'Customs and import duties',
    body: 'Deliveries outside the European Union may be charged import duties and VAT by the destination country. These fees are paid by the recipient and are not included in our prices.',
  },
  {
    id: 'warranty',
    title: 'Hardware warranty',
    body: 'Every Lumora pen and tablet comes with a two year warranty covering manufacturing defects. Accidental damage, water damage and worn nibs are not covered.',
  },
  {
    id: 'repair',
    title: 'Getting a device repaired',
    body: 'If your tablet stops working, open a repair request from the Support page with the serial number. We send a courier to collect the device and repair or replace it within 10 days.',
  },
  {
    id: 'nibs',
    title: 'Replacing pen nibs',
    body: 'Pen nibs wear down with use. Pull the old nib out with the included tweezers and push a new one in until it clicks. A pack of ten spare nibs is sold in the shop.',
  },
  {
    id: 'battery',
    title: 'Battery life',
    body: 'The tablet battery lasts about two weeks of daily writing. Charging from empty to full takes 90 minutes with the USB-C cable. The pen needs no battery.',
  },
  {
    id: 'charging-problems',
    title: 'Tablet does not charge',
    body: 'If the tablet does not charge, try another USB-C cable and wall adapter, then hold the power button for 15 seconds to restart it. If the charging light stays off, open a repair request.',
  },
  {
    id: 'pairing',
    title: 'Pairing the pen',
    body: 'The pen pairs automatically when you attach it magnetically to the side of the tablet. A short vibration confirms the pairing. Only one pen can be paired at a time.',
  },
  {
    id: 'wifi',
    title: 'Connecting to Wi-Fi',
    body: 'Open Settings, choose Wi-Fi and select your network. Enterprise networks with certificates are supported from firmware 3.2. The tablet cannot connect to captive portal networks in hotels.',
  },
  {
    id: 'firmware',
    title: 'Firmware updates',
    body: 'Firmware updates install automatically at night while the tablet is charging and connected to Wi-Fi. You can also check for updates manually under Settings, About.',
  },
  {
    id: 'sync',
    title: 'How sync works',
    body: 'Notes sync to the cloud every few minutes when the tablet is online. Notes written offline are kept on the device and uploaded as soon as a connection is back.',
  },
  {
    id: 'sync-conflicts',
    title: 'Sync conflicts',
    body: 'When the same note is edited on two devices before syncing, Lumora keeps both versions and marks the newer copy as a conflict so you can merge them by hand.',
  },
  {
    id: 'export-pdf',
    title: 'Exporting notes as PDF',
    body: 'Open a notebook, tap Share and choose PDF. You can export a single page or the whole notebook. Handwriting stays sharp because PDFs are exported as vectors.',
  },
  {
    id: 'handwriting-recognition',
    title: 'Converting handwriting to text',
    body: 'Select pages and tap Convert to turn handwriting into typed text. Recognition supports 34 languages, including Indonesian, and works offline on the tablet.',
  },
  {
    id: 'templates',
    title: 'Page templates',
    body: 'Choose lined, dotted, grid or blank paper when you create a notebook. Custom templates can be uploaded as PDF files from the web app.',
  },
  {
    id: 'search-notes',
    title: 'Searching your notes',
    body: 'The search bar finds words in typed and handwritten notes. Handwriting is indexed in the background, so a newly written page may take a minute to become searchable.',
  },
  {
    id: 'storage',
    title: 'Storage limits',
    body: 'The free plan includes 2 GB of cloud storage. Pro accounts get 100 GB. Attachments and images count towards the limit; handwriting takes very little space.',
  },
  {
    id: 'plans',
    title: 'Plans and pricing',
    body: 'Lumora Free costs nothing. Lumora Pro costs 6 euros per month or 60 euros per year and adds unlimited notebooks, handwriting conversion and 100 GB of storage.',
  },
  {
    id: 'cancel-subscription',
    title: 'Cancelling a subscription',
    body: 'Cancel Pro anytime under Account, Billing, Cancel subscription. Pro features stay active until the end of the current billing period, then the account returns to the free plan.',
  },
  {
    id: 'invoices',
    title: 'Invoices and receipts',
    body: 'Invoices for subscriptions and shop orders are available under Account, Billing, Invoices. They can be downloaded as PDF and include your VAT number if you added one.',
  },
  {
    id: 'payment-methods',
    title: 'Payment methods',
    body: 'We accept credit and debit cards, PayPal, Apple Pay and bank transfer for orders over 500 euros. Cryptocurrencies are not accepted.',
  },
  {
    id: 'student-discount',
    title: 'Student discount',
    body: 'Students and teachers get 40 percent off Lumora Pro. Verify your status with a school email address from the Billing page.',
  },
  {
    id: 'gift-cards',
    title: 'Gift cards',
    body: 'Gift cards are sold in amounts of 25, 50 and 100 euros and never expire. Redeem them at checkout or under Account, Billing to pay for Pro.',
  },
  {
    id: 'password-reset',
    title: 'Resetting your password',
    body: 'Click Forgot password on the sign-in page and we email you a link that is valid for one hour. If the email does not arrive, check your spam folder.',
  },
  {
    id: 'two-factor',
    title: 'Two-factor authentication',
    body: 'Turn on two-factor authentication under Account, Security. Use any authenticator app that supports TOTP codes. Keep the backup codes somewhere safe.',
  },
  {
    id: 'delete-account',
    title: 'Deleting your account',
    body: 'Delete your account under Account, Privacy. All notes are erased after a 30 day grace period during which you can still change your mind by signing in.',
  },
  {
    id: 'change-email',
    title: 'Changing your email address',
    body: 'Update your email address under Account, Profile. We send a confirmation link to the new address; the change takes effect once you click it.',
  },
  {
    id: 'data-location',
    title: 'Where your data is stored',
    body: 'All notes are stored in data centres in Frankfurt, Germany, and encrypted at rest with AES-256. Backups are kept for 35 days.',
  },
  {
    id: 'gdpr-export',
    title: 'Downloading all your data',
    body: 'Request a full archive of your data under Account, Privacy, Download my data. The archive with all notebooks as PDF and JSON is ready within 48 hours.',
  },
  {
    id: 'sharing',
    title: 'Sharing a notebook',
    body: 'Share a notebook by inviting people by email. Invitees can view or edit depending on the permission you choose, and you can revoke access at any time.',
  },
  {
    id: 'teams',
    title: 'Lumora for teams',
    body: 'Team plans add shared workspaces, central billing and an admin console. Teams of five or more people get a volume discount of 15 percent.',
  },
  {
    id: 'calendar',
    title: 'Calendar integration',
    body: 'Connect Google Calendar or Outlook under Settings, Integrations to see your meetings on the tablet and start meeting notes from an event.',
  },
  {
    id: 'dark-mode',
    title: 'Dark mode',
    body: 'The mobile and desktop apps follow the system dark mode setting. The tablet screen is e-paper and has a front light instead of a dark mode.',
  },
  {
    id: 'front-light',
    title: 'Adjusting the front light',
    body: 'Swipe down from the top edge of the tablet and drag the slider to change the front light brightness. Warm light can be scheduled for evenings.',
  },
  {
    id: 'screen-care',
    title: 'Cleaning the screen',
    body: 'Wipe the screen with a soft dry microfibre cloth. Do not use alcohol or window cleaner, as they damage the anti-glare coating.',
  },
  {
    id: 'accessories',
    title: 'Folios and accessories',
    body: 'The shop sells leather and recycled fabric folios, a pen holder clip and a USB-C charging dock. Folios protect the screen and keep the pen attached.',
  },
  {
    id: 'business-hours',
    title: 'Contacting support',
    body: 'Our support team answers chat and email from Monday to Friday, 8:00 to 18:00 Central European Time. Pro users get replies within 4 hours.',
  },
  {
    id: 'languages',
    title: 'App languages',
    body: 'The app interface is available in English, German, French, Spanish, Dutch and Indonesian. Change the language under Settings, Language and region.',
  },
];

export const QUESTIONS: EvalQuestion[] = [
  { question: 'How long do I have to ask for my money back?', expected: 'refunds' },
  { question: 'Can I get a refund for the remaining months of my subscription?', expected: 'refunds' },
  { question: 'How do I send back a pen I did not use?', expected: 'returns' },
  { question: 'Where do I get a return label?', expected: 'returns' },
  { question: 'How many days does delivery to the United States take?', expected: 'shipping-times' },
  { question: 'Is shipping free?', expected: 'shipping-costs' },
  { question: 'How much does express shipping cost?', expected: 'shipping-costs' },
  { question: 'Where can I find my tracking number?', expected: 'tracking' },
  { question: 'Will I have to pay import duties when ordering to Switzerland?', expected: 'customs' },
  { question: 'Is water damage covered by the warranty?', expected: 'warranty' },
  { question: 'My tablet is broken, how do I get it repaired?', expected: 'repair' },
  { question: 'How do I replace a worn nib on the pen?', expected: 'nibs' },
  { question: 'How long does the tablet battery last?', expected: 'battery' },
  { question: 'Does the pen need charging?', expected: 'battery' },
  { question: 'The tablet will not charge, what should I do?', expected: 'charging-problems' },
  { question: 'How do I pair my pen with the tablet?', expected: 'pairing' },
  { question: 'Can I connect the tablet to hotel Wi-Fi?', expected: 'wifi' },
  { question: 'How do I update the firmware?', expected: 'firmware' },
  { question: 'Are notes I write offline synced later?', expected: 'sync' },
  { question: 'What happens when I edit the same note on two devices?', expected: 'sync-conflicts' },
  { question: 'How can I export a notebook to PDF?', expected: 'export-pdf' },
  { question: 'Can my handwriting be converted into typed text?', expected: 'handwriting-recognition' },
  { question: 'Can I use my own paper template?', expected: 'templates' },
  { question: 'Why does search not find a page I just wrote?', expected: 'search-notes' },
  { question: 'How much cloud storage do I get on the free plan?', expected: 'storage' },
  { question: 'What does Pro cost per year?', expected: 'plans' },
  { question: 'How do I cancel my Pro subscription?', expected: 'cancel-subscription' },
  { question: 'Where can I download an invoice with my VAT number?', expected: 'invoices' },
  { question: 'Can I pay with PayPal?', expected: 'payment-methods' },
  { question: 'Do you accept bitcoin?', expected: 'payment-methods' },
  { question: 'Is there a discount for students?', expected: 'student-discount' },
  { question: 'Do gift cards expire?', expected: 'gift-cards' },
  { question: 'I forgot my password', expected: 'password-reset' },
  { question: 'How do I enable two-factor authentication?', expected: 'two-factor' },
  { question: 'How can I delete my account and all my notes?', expected: 'delete-account' },
  { question: 'How do I change the email address of my account?', expected: 'change-email' },
  { question: 'In which country is my data stored?', expected: 'data-location' },
  { question: 'Is my data encrypted?', expected: 'data-location' },
  { question: 'How do I download a copy of all my data?', expected: 'gdpr-export' },
  { question: 'Can I share a notebook with a colleague?', expected: 'sharing' },
  { question: 'Do you offer a plan for teams with an admin console?', expected: 'teams' },
  { question: 'Can I see my Outlook meetings on the tablet?', expected: 'calendar' },
  { question: 'Does the tablet have a dark mode?', expected: 'dark-mode' },
  { question: 'How do I make the screen brighter?', expected: 'front-light' },
  { question: 'What should I use to clean the screen?', expected: 'screen-care' },
  { question: 'Do you sell a case for the tablet?', expected: 'accessories' },
  { question: 'When is your support team available?', expected: 'business-hours' },
  { question: 'Is the app available in Indonesian?', expected: 'languages' },
  { question: 'How long is the password reset link valid?', expected: 'password-reset' },
  { question: 'How long does it take to get my refund?', expected: 'refunds' },
];
