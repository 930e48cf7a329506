import { Module } from '@nestjs/common';
import { FlowsController } from './flows.controller';
import { FlowsService } from './flows.service';
import { FlowTestsService } from './flow-tests.service';

@Module({
  controllers: [FlowsController],
  providers: [FlowsService, FlowTestsService],
  exports: [FlowsService],
})
export class FlowsModule {}
