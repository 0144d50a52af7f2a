// nav.js — moving between screens: screens and the shell call go(); the router
// (which only app.js imports) listens to the hash it sets. home() is each role's
// start page.
import { session } from './session.js';

const HOME = { frontdesk: '/patients', doctor: '/queue', admin: '/users', nurse: '/vitals' };

export const home = () => HOME[session.user?.role] || '/patients';

export function go(path) { location.hash = `#${path}`; }
