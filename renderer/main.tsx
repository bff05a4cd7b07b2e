import { createRoot } from 'react-dom/client';
import { App } from './features/app/App';
import { partyColorCss } from './lib/parties';
import './styles.css';

// The party colours come from the one PARTIES table (app/contract.ts), not from a second list in the stylesheet.
const partyColors = document.createElement('style');
partyColors.textContent = partyColorCss();
document.head.append(partyColors);

createRoot(document.getElementById('root')!).render(<App />);
