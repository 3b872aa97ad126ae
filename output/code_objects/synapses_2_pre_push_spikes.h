#ifndef _INCLUDED_synapses_2_pre_push_spikes
#define _INCLUDED_synapses_2_pre_push_spikes

void _run_synapses_2_pre_push_spikes();


#endif
